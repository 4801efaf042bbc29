// The off twin of firmware/blob-more.ts (build/features.ts): adds no method to the blob.
export {};
