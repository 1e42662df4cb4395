import {
  CACHIX_COMPRESSION_LEVEL,
  CACHIX_MISSING_BATCH,
  CACHIX_PART_CONCURRENCY,
  cacheInfo,
  cachixError,
  createPin,
  missingHashes,
  narInfoCreate,
  uploadNar
} from "./chunk-3S66FOFW.js";
import "./chunk-CK5QPQ2P.js";
export {
  CACHIX_COMPRESSION_LEVEL,
  CACHIX_MISSING_BATCH,
  CACHIX_PART_CONCURRENCY,
  cacheInfo,
  cachixError,
  createPin,
  missingHashes,
  narInfoCreate,
  uploadNar
};
