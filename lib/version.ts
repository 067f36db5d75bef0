/** This package's version, sent to Dintero in identifying headers. Kept equal to package.json by a test. @internal */
export const VERSION = '0.1.0'
