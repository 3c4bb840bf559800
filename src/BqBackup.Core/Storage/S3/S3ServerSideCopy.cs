using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amazon.S3.Model;

namespace BqBackup.Storage.S3
{
    /// <summary>
    /// A body copied inside the S3 service, from one bucket/prefix to another reached with the same
    /// endpoint and credentials. Every request names the source's ETag as it was when the copier
    /// verified the body (x-amz-copy-source-if-match), so what lands is what was verified. Up to the
    /// single-copy limit (S3's 5 GiB) one CopyObject at Commit is the commit point; above it the parts
    /// are copied by UploadPartCopy in <see cref="Prepare"/> and CompleteMultipartUpload (If-None-Match)
    /// commits, as a streamed upload does; disposed uncommitted, the multipart upload is aborted.
    /// </summary>
    internal sealed class S3ServerSideCopy : IDisposable
    {
        private readonly S3Store source, target;
        private readonly string key, versionId, contentType, etag;
        private readonly Locking.ObjectRetention lockState;
        private readonly long size, singleCopyLimit, partSize;
        private string uploadId;
        private List<PartETag> parts;
        private bool committed;
        private State.InFlightTicket inFlight = State.InFlightTicket.None;

        private S3ServerSideCopy(S3Store source, S3Store target, string key, string versionId, string contentType, string etag, long size, long singleCopyLimit, long partSize,
            Locking.ObjectRetention lockState)
        {
            this.versionId = versionId;
            this.lockState = lockState;
            this.source = source;
            this.target = target;
            this.key = key;
            this.contentType = contentType;
            this.etag = etag;
            this.size = size;
            this.singleCopyLimit = singleCopyLimit;
            this.partSize = partSize;
        }

        /// <summary>
        /// Whether the service can copy from <paramref name="from"/> to <paramref name="to"/> by itself:
        /// both S3, the same endpoint (AWS: any region) and the same credentials (the same keys, the
        /// same profile, or the same credentials object). Anything else streams through this machine.
        /// </summary>
        public static bool IsPossible(IBackupStore from, IBackupStore to)
        {
            if (!(from is S3Store a) || !(to is S3Store b)) return false;
            var x = a.Settings;
            var y = b.Settings;
            if (!string.Equals(NormalizedEndpoint(x.EndpointUrl), NormalizedEndpoint(y.EndpointUrl), StringComparison.OrdinalIgnoreCase)) return false;
            if (x.IsAws != y.IsAws) return false;
            if (!ReferenceEquals(x.Credentials, y.Credentials)) return false;
            return string.Equals(x.AccessKey, y.AccessKey, StringComparison.Ordinal)
                && string.Equals(x.SecretKey, y.SecretKey, StringComparison.Ordinal)
                && string.Equals(x.SessionToken, y.SessionToken, StringComparison.Ordinal)
                && string.Equals(x.ProfileName, y.ProfileName, StringComparison.Ordinal)
                && string.Equals(x.ProfileLocation, y.ProfileLocation, StringComparison.Ordinal)
                && string.Equals(x.CredentialSource, y.CredentialSource, StringComparison.Ordinal);
        }

        private static string NormalizedEndpoint(string url) => url?.TrimEnd('/');

        /// <summary>The source body's ETag now (at <paramref name="versionId"/>, or the current version when null): the version the copier is about to verify.</summary>
        public static string ETagOf(IBackupStore store, string key, string versionId, CancellationToken cancellation)
        {
            var s3 = (S3Store)store;
            var full = s3.FullKey(key);
            return S3Errors.Call(s3, "read", key, () => s3.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = s3.Bucket, Key = full, VersionId = versionId }, cancellation), cancellation).ETag;
        }

        /// <summary>
        /// A copy of <paramref name="key"/> (at <paramref name="versionId"/> when not null); with
        /// <paramref name="lockState"/> the copy is written locked (x-amz-object-lock-mode and
        /// retain-until-date on CopyObject or CreateMultipartUpload), as a streamed upload is.
        /// </summary>
        public static S3ServerSideCopy Begin(IBackupStore from, IBackupStore to, string key, string versionId, string contentType, string etag, long size,
            long singleCopyLimit, long partSize, Locking.ObjectRetention lockState) =>
            new S3ServerSideCopy((S3Store)from, (S3Store)to, key, versionId, contentType, etag, size, singleCopyLimit, Math.Max(1, partSize), lockState);

        /// <summary>True when the body is copied part by part (above the single-copy limit).</summary>
        public bool IsMultipart => size > singleCopyLimit;

        /// <summary>Copies the parts of a multipart copy (nothing visible yet); a single copy waits for Commit.</summary>
        public void Prepare(CancellationToken cancellation)
        {
            if (!IsMultipart) return;
            var fullKey = target.FullKey(key);
            uploadId = S3Errors.Call(target, "start a copy", key, () => target.Client.InitiateMultipartUploadAsync(
                new InitiateMultipartUploadRequest
                {
                    BucketName = target.Bucket, Key = fullKey, ContentType = contentType,
                    ObjectLockMode = lockState == null ? null : S3ObjectLocks.ToS3Header(lockState.Mode), ObjectLockRetainUntilDate = lockState?.RetainUntilUtc,
                }, cancellation), cancellation).UploadId;
            inFlight = State.InFlightRegistry.ForCurrentUser().Register(State.InFlightRecord.ForUpload(target.Endpoint, target.Bucket, fullKey, uploadId));
            parts = new List<PartETag>();
            var partNumber = 0;
            for (long first = 0; first < size; first += partSize)
            {
                cancellation.ThrowIfCancellationRequested();
                var number = ++partNumber;
                var last = Math.Min(size, first + partSize) - 1;
                var firstByte = first;
                var response = S3Errors.Call(target, "copy a part", key, () => Refusable(target.Client.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = source.Bucket, SourceKey = source.FullKey(key), SourceVersionId = versionId, DestinationBucket = target.Bucket, DestinationKey = fullKey,
                    UploadId = uploadId, PartNumber = number, FirstByte = firstByte, LastByte = last, ETagToMatch = new List<string> { etag },
                }, cancellation)), cancellation);
                parts.Add(new PartETag(number, response.ETag));
                if (number == 1) IO.FailPoints.Hit("copy-first-part-copied");
            }
        }

        /// <summary>Makes the copy visible under its key; BackupNameConflict when the key appeared meanwhile.</summary>
        public void Commit(CancellationToken cancellation)
        {
            if (target.Stat(key, cancellation) != null) throw target.Conflict(key);
            var fullKey = target.FullKey(key);
            if (!IsMultipart)
            {
                S3Errors.Call(target, "copy", key, () => Refusable(target.Client.CopyObjectAsync(new CopyObjectRequest
                {
                    SourceBucket = source.Bucket, SourceKey = source.FullKey(key), SourceVersionId = versionId, DestinationBucket = target.Bucket, DestinationKey = fullKey,
                    ETagToMatch = etag,
                    ObjectLockMode = lockState == null ? null : S3ObjectLocks.ToS3Header(lockState.Mode), ObjectLockRetainUntilDate = lockState?.RetainUntilUtc,
                }, cancellation)), cancellation);
                committed = true;
                return;
            }
            target.Write("complete the copy", key, exclusive: true, conditional => target.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = target.Bucket, Key = fullKey, UploadId = uploadId, PartETags = parts.OrderBy(p => p.PartNumber).ToList(),
                IfNoneMatch = conditional ? "*" : null,
            }, cancellation), cancellation);
            committed = true;
        }

        /// <summary>
        /// A service that cannot copy by itself: 501 NotImplemented (s3rver for UploadPartCopy),
        /// NoSuchBucket for the source bucket it was just read from (s3rver does not decode the
        /// %2F-encoded copy source the SDK sends), or MissingUploadObjectWithObjectLockHeaders for a
        /// locked CopyObject (moto asks it for a Content-MD5, which a copy has no body for; S3 does not).
        /// The copier streams such a body instead, its upload carrying the checksum and the lock.
        /// </summary>
        private async System.Threading.Tasks.Task<T> Refusable<T>(System.Threading.Tasks.Task<T> call)
        {
            try
            {
                return await call.ConfigureAwait(false);
            }
            catch (Amazon.S3.AmazonS3Exception e) when (S3Errors.IsNotImplemented(e) || e.ErrorCode == "NoSuchBucket" || e.ErrorCode == "MissingUploadObjectWithObjectLockHeaders")
            {
                throw new Refused(target, key, e.ErrorCode);
            }
        }

        /// <summary>The service refused to copy server-side; nothing of the copy is visible.</summary>
        internal sealed class Refused : BqBackupException
        {
            public Refused(S3Store target, string key, string code)
                : base(ErrorIds.StoreError, BqErrorCategory.InvalidOperation,
                    $"{target.Endpoint} refused to copy '{key}' inside the service ({code}).", key, "The body is streamed through this machine instead.") { }
        }

        public void Dispose()
        {
            if (committed || uploadId == null)
            {
                inFlight.Release();
                return;
            }
            try
            {
                // Not the caller's token: after Ctrl-C it is cancelled, and the abort must still go out.
                using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                    target.Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = target.Bucket, Key = target.FullKey(key), UploadId = uploadId }, timeout.Token)
                        .GetAwaiter().GetResult();
                inFlight.Release();
            }
            catch (Exception)
            {
                inFlight.Abandon(); // the next run that opens this bucket aborts it
            }
        }
    }
}
