export { ifMatchAllows, ifNoneMatchHolds, parseEntityTags, versionETag } from './etag.js';
