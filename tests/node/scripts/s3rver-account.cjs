// s3rver answering to an access key of its own instead of S3RVER: a second "provider" whose
// credentials differ from the first's. Usage: node s3rver-account.cjs ACCESS_KEY_ID SECRET <s3rver args…>
// Honest limits: s3rver refuses an access key id it does not know (InvalidAccessKeyId) but never checks
// signatures, so what this proves is that the right key id reaches the right server, not the secret.
'use strict';
const AWSAccount = require('s3rver/lib/models/account');
const [accessKeyId, secret, ...rest] = process.argv.slice(2);
if (!accessKeyId || !secret) {
  console.error('usage: s3rver-account.cjs ACCESS_KEY_ID SECRET <s3rver arguments>');
  process.exit(2);
}
AWSAccount.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
new AWSAccount(210987654321, 'second-provider').createKeyPair(accessKeyId, secret);
process.argv = [process.argv[0], require.resolve('s3rver/bin/s3rver.js'), ...rest];
require('s3rver/bin/s3rver.js');
