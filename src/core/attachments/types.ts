/** What a file is, decided from its bytes (never from its name). */
export type AttachmentFormat =
  | "zip"
  | "ooxml"
  | "odf"
  | "7z"
  | "rar"
  | "pdf"
  | "office-encrypted"
  | "doc"
  | "xls"
  | "ppt"
  | "ole"
  | "other";

/**
 * The result for one file. `passwordProtected` is `null` when the file could not be read
 * (corrupt, truncated, beyond a limit); `detail` then says why.
 */
export interface InspectionResult {
  format: AttachmentFormat;
  passwordProtected: boolean | null;
  /** How it is protected, e.g. "zipcrypto", "aes-256", "7z-aes", "pdf-aes-256", "nested", or "restricted". */
  method?: string;
  /** One English sentence for logs and the CLI; user-facing text comes from the message catalogue. */
  detail?: string;
}

export interface InspectLimits {
  /** How many archives deep a nested archive is still opened (the outer file is depth 0). */
  maxDepth: number;
  /** Bytes that may be decompressed, in all, to look inside a plain archive. */
  nestedBudgetBytes: number;
  /** A single inner file larger than this (uncompressed) is not opened. */
  nestedMaxEntryBytes: number;
  /** Entries of one archive whose content is sniffed for an inner archive. */
  nestedMaxEntries: number;
  /** The largest directory structure read (ZIP central directory, 7z header, PDF xref). */
  maxDirectoryBytes: number;
}

export const DEFAULT_LIMITS: InspectLimits = {
  maxDepth: 2,
  nestedBudgetBytes: 64 * 1024 * 1024,
  nestedMaxEntryBytes: 32 * 1024 * 1024,
  nestedMaxEntries: 2000,
  maxDirectoryBytes: 64 * 1024 * 1024,
};
