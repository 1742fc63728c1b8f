/** A problem found in one line of the users or roles file; the loader skips the line and goes on. */
export interface FileIssue {
  file: string;
  /** 1-based line number. */
  line: number;
  message: string;
}
