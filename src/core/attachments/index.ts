export { inspectBase64, inspectBytes, inspectSource } from "./inspect";
export type { ByteSource } from "./source";
export { base64Source, bytesSource } from "./source";
export { DEFAULT_LIMITS } from "./types";
export type { AttachmentFormat, InspectionResult, InspectLimits } from "./types";
