/**
 * What the language server's features are given: the document being served and read-only access to the
 * workspace's analysis (other scenarios, open or on disk). Features are pure functions of these contexts, so they
 * are unit-tested without a connection, and the server (server.ts) owns caching, file watching and cross-file
 * re-validation.
 */
import type ts from 'typescript';
import type { ScenarioDeclarations } from '../../agent/protocol/variables';

/** The workspace as a feature may see it. Paths are absolute file-system paths. */
export interface WorkspaceView {
  /**
   * The static reading of a scenario file: the open document's current text when it is open, else the file on
   * disk; `undefined` when there is no such file or it cannot be read. Cached by the server per text version.
   */
  scenario(file: string): ScenarioDeclarations | undefined;
  /** Whether a path names an existing regular file (open documents count). */
  fileExists(file: string): boolean;
  /** Scenario files (`*.scenario.ts`, plus any `.ts` a plan refers to) of the workspace folders, absolute, sorted. */
  scenarioFiles(): string[];
}

/** One open document: its URI (for edits), its file path, and the text of its current version. */
export interface DocumentView {
  uri: string;
  file: string;
  text: string;
}

export interface PlanContext extends DocumentView {
  workspace: WorkspaceView;
}

export interface ScenarioContext extends DocumentView {
  /** The static reading of this document's text (the server caches it per version). */
  declarations: ScenarioDeclarations;
  /** The syntax tree those declarations were read from, when the server keeps it (open documents): no re-parse. */
  tree?: ts.SourceFile;
}
