/**
 * A controller's status, as amoc's controller reports it: queried by the CLI, and later by the coordinator and
 * the VS Code extension. Plain data; imports nothing.
 */

export type ControllerStatus =
  | { status: 'idle' }
  | {
      status: 'running';
      scenario: string;
      /** Users whose `start` is currently running. */
      runningUsers: number;
      /** The highest user id handed out so far (ids are 1..highestUserId, never reused). */
      highestUserId: number;
      /** Users per minute at which new users are spawned. */
      userRate: number;
      /** Users still waiting to be spawned (queued by start/add, not yet started). */
      pendingUsers: number;
    }
  | { status: 'terminating'; scenario: string; runningUsers: number }
  | { status: 'finished'; scenario: string }
  | { status: 'error'; reason: string };

export type ControllerStatusName = ControllerStatus['status'];
