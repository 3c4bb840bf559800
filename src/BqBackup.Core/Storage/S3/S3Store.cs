using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Amazon.S3;
using Amazon.S3.Model;
using BqBackup.IO;

namespace BqBackup.Storage.S3
{
    /// <summary>
    /// Backups in an S3-compatible bucket under a prefix. Bodies stream through a hand-driven
    /// multipart upload, which stays invisible until completed; every PUT and part is sent without
    /// aws-chunked encoding, which non-AWS servers store verbatim inside the object.
    /// </summary>
    public sealed class S3Store : IBackupStore, IVersionedStore, IStoreProtection, Locking.ILockingStore
    {
        // 6 MiB doubling every 1,000 parts reaches 5.8 TiB by part 10,000, past S3's 5 TiB object limit;
        // (parts in flight + 1) x 6 MiB is the upload's whole memory.
        public const int DefaultPartSize = 6 * 1024 * 1024;
        public const int DefaultPartsInFlight = 3;

        private readonly S3Destination destination;
        private readonly ResolvedS3Settings settings;

        public S3Store(S3Destination destination, ResolvedS3Settings settings)
            : this(destination, settings, S3ClientFactory.Create(settings)) { }

        internal S3Store(S3Destination destination, ResolvedS3Settings settings, IAmazonS3 client)
        {
            this.destination = destination;
            this.settings = settings;
            Client = client;
        }

        internal IAmazonS3 Client { get; }

        /// <summary>The first parts' size; it doubles every 1,000 parts so no body ever needs more than S3's 10,000.</summary>
        public int MinimumPartSize { get; set; } = DefaultPartSize;
        public int PartsInFlight { get; set; } = DefaultPartsInFlight;
        /// <summary>
        /// The byte ranges a large object is read in, and how many are fetched ahead of the reader:
        /// (ranges ahead + 2) x the range size is the read's whole buffer memory, 12 MiB by default
        /// (it was 30 MiB with part-sized ranges, for no gain in speed on loopback).
        /// </summary>
        public int ReadRangeSize { get; set; } = DefaultReadRangeSize;
        public int RangesAhead { get; set; } = DefaultRangesAhead;
        public const int DefaultReadRangeSize = 2 * 1024 * 1024;
        public const int DefaultRangesAhead = 4;

        public string Location => destination.ToString();
        public string Bucket => destination.Bucket;
        public string Prefix => destination.Prefix;
        public string Endpoint => settings.EndpointUrl ?? $"AWS S3 ({settings.Region})";
        /// <summary>Enough of the access key id to tell which one was used; access key ids are not secret, but need not be shown whole.</summary>
        public string AccessKeyForDisplay => settings.AccessKey == null ? "(" + settings.CredentialSource + ")" : settings.AccessKey.Length <= 4 ? settings.AccessKey : settings.AccessKey.Substring(0, 4) + "…";
        public ResolvedS3Settings Settings => settings;

        /// <summary>Belt and braces for texts that come from elsewhere (the SDK, the network): never let a secret through.</summary>
        internal string Redact(string text)
        {
            if (string.IsNullOrEmpty(text)) return text;
            foreach (var secret in new[] { settings.SecretKey, settings.SessionToken })
                if (!string.IsNullOrEmpty(secret)) text = text.Replace(secret, "***");
            return text;
        }

        internal string FullKey(string key) => destination.Prefix + StoreKeys.Validate(key);

        public IReadOnlyList<StoreObject> List(CancellationToken cancellation)
        {
            var result = new List<StoreObject>();
            string token = null;
            do
            {
                var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = Prefix, Delimiter = "/", ContinuationToken = token };
                var page = S3Errors.Call(this, "list", null, () => Client.ListObjectsV2Async(request, cancellation), cancellation);
                foreach (var o in page.S3Objects ?? new List<S3Object>())
                {
                    var key = o.Key.Substring(Prefix.Length);
                    // A hostile or broken listing never yields a name that could escape a download folder.
                    if (!StoreKeys.IsSafe(key)) continue;
                    result.Add(new StoreObject(key, o.Size ?? 0, new DateTimeOffset(DateTime.SpecifyKind(o.LastModified ?? DateTime.MinValue, DateTimeKind.Utc).ToUniversalTime())));
                }
                token = page.IsTruncated == true ? page.NextContinuationToken : null;
            } while (token != null);
            return result;
        }

        public StoreObject Stat(string key, CancellationToken cancellation) => Stat(key, null, cancellation);

        /// <summary>Null when the key (at that version, when one is given) does not exist.</summary>
        internal StoreObject Stat(string key, string versionId, CancellationToken cancellation)
        {
            var full = FullKey(key);
            try
            {
                var meta = Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = full, VersionId = versionId }, cancellation).GetAwaiter().GetResult();
                return new StoreObject(key, meta.ContentLength, new DateTimeOffset(DateTime.SpecifyKind(meta.LastModified ?? DateTime.MinValue, DateTimeKind.Utc)));
            }
            catch (Exception e) when (S3Errors.IsNotFound(e) && !(e is AmazonS3Exception s3 && s3.ErrorCode == "NoSuchBucket"))
            {
                return null;
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                throw S3Errors.Map(this, "read", key, e);
            }
        }

        public Stream OpenRead(string key, CancellationToken cancellation) => OpenVersion(key, null, cancellation);

        Stream IVersionedStore.OpenRead(string key, string versionId, CancellationToken cancellation) =>
            OpenVersion(key, versionId ?? throw new ArgumentNullException(nameof(versionId)), cancellation);

        private Stream OpenVersion(string key, string versionId, CancellationToken cancellation)
        {
            var full = FullKey(key);
            var stat = Stat(key, versionId, cancellation);
            if (stat == null)
                throw new BqBackupException(ErrorIds.BackupNotFound, BqErrorCategory.ObjectNotFound,
                    versionId == null ? $"'{key}' does not exist in '{Location}'." : $"'{key}' has no version '{versionId}' in '{Location}' (or it is a delete marker).", key,
                    versionId == null ? "List the backups with Get-BqBackup and pick an existing name." : "List the backups with Get-BqBackup -IncludeDeleted and pick one of the versions it shows.");
            // Below two ranges a single request is as fast and simpler; above, ranges in parallel.
            if (stat.Size > 2L * ReadRangeSize)
                return new RangedReadStream(this, key, full, versionId, stat.Size, ReadRangeSize, RangesAhead, cancellation);
            var response = S3Errors.Call(this, "read", key, () => Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = full, VersionId = versionId }, cancellation), cancellation);
            return new ResponseStream(this, key, response);
        }

        public BucketProtection ReadProtection(CancellationToken cancellation) => S3Protection.Read(this, cancellation);

        public bool? ReadObjectLockEnabled(CancellationToken cancellation, out string error) => S3Protection.ReadObjectLockEnabled(this, cancellation, out error);

        public ObjectLockState ReadLock(string key, string versionId, CancellationToken cancellation) => S3Protection.ReadLock(this, key, versionId, cancellation);

        public IReadOnlyList<StoreObjectVersion> ListVersions(CancellationToken cancellation)
        {
            var result = new List<StoreObjectVersion>();
            string keyMarker = null, versionMarker = null;
            do
            {
                var request = new ListVersionsRequest { BucketName = Bucket, Prefix = Prefix, Delimiter = "/", KeyMarker = keyMarker, VersionIdMarker = versionMarker };
                var page = S3Errors.Call(this, "list versions", null, () => Client.ListVersionsAsync(request, cancellation), cancellation);
                foreach (var v in page.Versions ?? new List<S3ObjectVersion>())
                {
                    if (v.Key == null || !v.Key.StartsWith(Prefix, StringComparison.Ordinal)) continue;
                    var key = v.Key.Substring(Prefix.Length);
                    // A hostile or broken listing never yields a name that could escape a download folder.
                    if (!StoreKeys.IsSafe(key)) continue;
                    result.Add(new StoreObjectVersion(key, v.VersionId, v.Size ?? 0,
                        new DateTimeOffset(DateTime.SpecifyKind(v.LastModified ?? DateTime.MinValue, DateTimeKind.Utc).ToUniversalTime()), v.IsLatest == true, v.IsDeleteMarker == true));
                }
                var more = page.IsTruncated == true;
                keyMarker = more ? page.NextKeyMarker : null;
                versionMarker = more ? page.NextVersionIdMarker : null;
            } while (keyMarker != null);
            return result;
        }

        public void Put(string key, byte[] content, string contentType, bool overwrite, CancellationToken cancellation) =>
            Put(key, content, contentType, overwrite, null, cancellation);

        /// <summary>
        /// Every PUT carries Content-MD5: Object Lock (asked for here, or a bucket's default
        /// retention) refuses a write without a content checksum.
        /// </summary>
        public void Put(string key, byte[] content, string contentType, bool overwrite, Locking.ObjectRetention lockState, CancellationToken cancellation)
        {
            var full = FullKey(key);
            // If-None-Match: * makes the refusal atomic where the server honours it (AWS S3 since 2024,
            // MinIO, R2); the look first is all that servers which ignore it (s3rver) get.
            if (!overwrite && Stat(key, cancellation) != null) throw Conflict(key);
            var md5 = S3ObjectLocks.Md5(content, 0, content.Length);
            Write("write", key, !overwrite, conditional => Client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Bucket, Key = full, InputStream = new MemoryStream(content, writable: false), ContentType = contentType,
                UseChunkEncoding = false, AutoCloseStream = true, IfNoneMatch = conditional ? "*" : null, MD5Digest = md5,
                ObjectLockMode = lockState == null ? null : S3ObjectLocks.ToS3Header(lockState.Mode),
                ObjectLockRetainUntilDate = lockState?.RetainUntilUtc,
            }, cancellation), cancellation);
        }

        /// <summary>False once the server answered a conditional write with 501 Not Implemented.</summary>
        private volatile bool conditionalWrites = true;

        /// <summary>
        /// A write that refuses an existing key when <paramref name="exclusive"/>: sent with
        /// If-None-Match: *, and a server's 412 (or 409 ConditionalRequestConflict) is
        /// BackupNameConflict. A server that does not implement the header gets the write again
        /// without it, and never again with it.
        /// </summary>
        internal void Write(string what, string key, bool exclusive, Func<bool, System.Threading.Tasks.Task> call, CancellationToken cancellation)
        {
            S3Errors.Call(this, what, key, async () =>
            {
                if (exclusive && conditionalWrites)
                {
                    try
                    {
                        await call(true).ConfigureAwait(false);
                        return;
                    }
                    catch (AmazonS3Exception e) when (S3Errors.IsNotImplemented(e))
                    {
                        conditionalWrites = false;
                    }
                }
                await call(false).ConfigureAwait(false);
            }, cancellation);
        }

        public IStoreUpload BeginUpload(string key, string contentType, CancellationToken cancellation) =>
            new S3Upload(this, key, FullKey(key), contentType, null, cancellation);

        public IStoreUpload BeginUpload(string key, string contentType, Locking.ObjectRetention lockState, CancellationToken cancellation) =>
            new S3Upload(this, key, FullKey(key), contentType, lockState, cancellation);

        private bool? bucketLocks;

        /// <summary>Whether the bucket has Object Lock (asked once): then every part carries Content-MD5, which a default retention requires.</summary>
        internal bool BucketLocks(CancellationToken cancellation)
        {
            if (!bucketLocks.HasValue) bucketLocks = ReadObjectLockEnabled(cancellation, out _) == true;
            return bucketLocks.Value;
        }

        public void SetLock(string key, string versionId, Locking.ObjectRetention lockState, CancellationToken cancellation) =>
            S3ObjectLocks.SetLock(this, key, versionId, lockState, cancellation);

        public Locking.KeyDeletion DeleteKey(string key, CancellationToken cancellation) => S3ObjectLocks.DeleteKey(this, key, cancellation);

        public IReadOnlyList<Locking.StoreVersion> ListVersions(string key, CancellationToken cancellation) => S3ObjectLocks.ListVersions(this, key, cancellation);

        public void DeleteVersion(string key, string versionId, bool bypassGovernance, CancellationToken cancellation) =>
            S3ObjectLocks.DeleteVersion(this, key, versionId, bypassGovernance, cancellation);

        public void Delete(string key, CancellationToken cancellation)
        {
            var full = FullKey(key);
            S3Errors.Call(this, "delete", key, () => Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = full }, cancellation), cancellation);
        }

        public void Dispose() => Client.Dispose();

        internal BqBackupException Conflict(string key) =>
            new BqBackupException(ErrorIds.BackupNameConflict, BqErrorCategory.WriteError,
                $"'{key}' already exists in '{Location}'; it was not replaced.", key,
                "Another backup of the same name was written at the same moment; run the backup again.");

        /// <summary>Keeps the response alive while its body is read, and releases the connection after.</summary>
        private sealed class ResponseStream : ForwardReadStream
        {
            private readonly S3Store store;
            private readonly string key;
            private readonly GetObjectResponse response;
            public ResponseStream(S3Store store, string key, GetObjectResponse response) { this.store = store; this.key = key; this.response = response; }
            public override long Length => response.ContentLength;
            /// <summary>What the SDK throws mid-body (a checksum that does not match, a dropped connection) is a StoreError, never a raw exception.</summary>
            public override int Read(byte[] buffer, int offset, int count)
            {
                try { return response.ResponseStream.Read(buffer, offset, count); }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    throw S3Errors.Map(store, "read", key, e);
                }
            }
            protected override void Dispose(bool disposing)
            {
                if (disposing) response.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
