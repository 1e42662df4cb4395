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
} from "./chunk-RXZNTVLC.js";
import "./chunk-5GDXQZW7.js";
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
