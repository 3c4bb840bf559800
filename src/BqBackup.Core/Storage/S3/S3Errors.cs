using System;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;

namespace BqBackup.Storage.S3
{
    /// <summary>
    /// Turns what the SDK throws into errors an operator can act on. The SDK's exception is never
    /// attached: its text and data can carry request details, and no secret may reach a message.
    /// </summary>
    internal static class S3Errors
    {
        public static T Call<T>(S3Store store, string what, string key, Func<Task<T>> call, CancellationToken cancellation)
        {
            try
            {
                return call().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                throw Map(store, what, key, e);
            }
        }

        public static void Call(S3Store store, string what, string key, Func<Task> call, CancellationToken cancellation) =>
            Call(store, what, key, async () => { await call().ConfigureAwait(false); return 0; }, cancellation);

        public static bool IsNotFound(Exception e) =>
            e is AmazonS3Exception s3 && (s3.StatusCode == HttpStatusCode.NotFound || s3.ErrorCode == "NoSuchKey" || s3.ErrorCode == "NotFound");

        /// <summary>A conditional write refused: the key exists (412), or another conditional write to it is in flight (409).</summary>
        public static bool IsPreconditionFailed(Exception e) =>
            e is AmazonS3Exception s3 && (s3.StatusCode == HttpStatusCode.PreconditionFailed || s3.ErrorCode == "PreconditionFailed"
                || s3.ErrorCode == "ConditionalRequestConflict");

        public static bool IsNotImplemented(Exception e) =>
            e is AmazonS3Exception s3 && (s3.StatusCode == HttpStatusCode.NotImplemented || s3.ErrorCode == "NotImplemented");

        public static BqBackupException Map(S3Store store, string what, string key, Exception e)
        {
            if (e is BqBackupException bq) return bq;
            if (key != null && IsPreconditionFailed(e)) return store.Conflict(key);
            if (S3ObjectLocks.IsLockNotEnabled(e)) return S3ObjectLocks.NotEnabled(store, $" (it refused to {what} '{key}' with a lock)");
            var where = store.Location;
            if (e is AmazonS3Exception s3)
            {
                switch (s3.ErrorCode)
                {
                    case "NoSuchBucket":
                        return new BqBackupException(ErrorIds.BucketNotFound, BqErrorCategory.ObjectNotFound,
                            $"The bucket '{store.Bucket}' does not exist at {store.Endpoint}.", store.Bucket,
                            "Check the bucket name in -Destination (or S3_BUCKET) and the endpoint; create the bucket first.");
                    case "InvalidAccessKeyId":
                    case "SignatureDoesNotMatch":
                    case "InvalidToken":
                    case "ExpiredToken":
                    case "InvalidSecurity":
                        return new BqBackupException(ErrorIds.InvalidCredentials, BqErrorCategory.AuthenticationError,
                            $"{store.Endpoint} refused the credentials ({s3.ErrorCode}) while trying to {what} in '{where}'. The access key used was '{store.AccessKeyForDisplay}'.",
                            store.AccessKeyForDisplay, "Check -AccessKey/-SecretKey (or S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY, the profile) for this endpoint.");
                    case "AccessDenied":
                    case "AllAccessDisabled":
                        return new BqBackupException(ErrorIds.InvalidCredentials, BqErrorCategory.PermissionDenied,
                            $"Access denied while trying to {what} in '{where}'.", key ?? where,
                            "Grant these credentials s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on the bucket and prefix.");
                    case "NoSuchKey":
                        return new BqBackupException(ErrorIds.BackupNotFound, BqErrorCategory.ObjectNotFound,
                            $"'{key}' does not exist in '{where}'.", key, "List the backups with Get-BqBackup and pick an existing name.");
                }
                if (s3.StatusCode == HttpStatusCode.Forbidden)
                    return new BqBackupException(ErrorIds.InvalidCredentials, BqErrorCategory.AuthenticationError,
                        $"{store.Endpoint} answered 403 Forbidden while trying to {what} in '{where}'.", store.AccessKeyForDisplay,
                        "Check the credentials and their permissions on the bucket.");
                if (s3.StatusCode == HttpStatusCode.NotFound && key == null)
                    return new BqBackupException(ErrorIds.BucketNotFound, BqErrorCategory.ObjectNotFound,
                        $"The bucket '{store.Bucket}' was not found at {store.Endpoint}.", store.Bucket, "Check the bucket name and the endpoint.");
                return new BqBackupException(ErrorIds.StoreError, BqErrorCategory.ConnectionError,
                    $"S3 answered {(int)s3.StatusCode} {s3.ErrorCode} while trying to {what} in '{where}' (after retries).", key ?? where,
                    "Retry later; if it persists, check the provider's status and the bucket's configuration.");
            }
            if (IsUnreachable(e))
                return new BqBackupException(ErrorIds.EndpointUnreachable, BqErrorCategory.ConnectionError,
                    $"Cannot reach {store.Endpoint} to {what} in '{where}': {Describe(e)}.", store.Endpoint,
                    "Check -EndpointUrl (or S3_ENDPOINT), DNS and the network path to the S3 service.");
            return new BqBackupException(ErrorIds.StoreError, BqErrorCategory.ConnectionError,
                $"Could not {what} in '{where}': {e.GetType().Name}: {store.Redact(e.GetBaseException().Message)}", key ?? where, "Retry; if it persists, run with -Verbose and check the endpoint.");
        }

        private static bool IsUnreachable(Exception e)
        {
            for (var x = e; x != null; x = x.InnerException)
                if (x is HttpRequestException || x is SocketException || x is TimeoutException || x is TaskCanceledException || x is WebException
                    || (x is AmazonServiceException svc && svc.StatusCode == 0 && svc.InnerException != null && IsUnreachable(svc.InnerException)))
                    return true;
            return false;
        }

        private static string Describe(Exception e)
        {
            for (var x = e; x != null; x = x.InnerException)
                if (x is SocketException socket) return socket.SocketErrorCode.ToString();
            for (var x = e; x != null; x = x.InnerException)
                if (x is TaskCanceledException || x is TimeoutException) return "timed out";
            return "connection failed";
        }
    }
}
