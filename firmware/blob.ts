// The impOS (Squirrel) blob: a growable byte buffer with a read/write pointer, little-endian
// numbers, UTF-8 strings. Received datagrams arrive as blobs; send() accepts one. The class
// lives in firmware/blob-core.ts; importing this module also adds the methods of
// firmware/blob-more.ts (the build may swap that one for its off twin, build/features.ts).
import './blob-more';

export { Blob, blobOf } from './blob-core';
export { utf8, text } from './codec';
