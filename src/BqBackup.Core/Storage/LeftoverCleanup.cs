using System;
using System.IO;
using BqBackup.IO;
using BqBackup.State;
using BqBackup.Storage.S3;

namespace BqBackup.Storage
{
    /// <summary>
    /// What killed runs of this user left in the store about to be used, found through their
    /// in-flight records: a partial body in this folder is deleted if it is still there and still
    /// ours (a regular file of this user's, at the name the record gives); a multipart upload in
    /// this bucket at this endpoint is aborted. Records of live runs are left alone; a record is
    /// removed once what it names is gone. Nothing here throws but for cancellation.
    /// </summary>
    internal static class LeftoverCleanup
    {
        /// <summary>Records of stores never opened again are forgotten after this long (the files or uploads are left as they are).</summary>
        public static readonly TimeSpan ForgetAfter = TimeSpan.FromDays(30);

        /// <param name="confirm">ShouldProcess for each removal (expiry); null removes without asking (backup).</param>
        public static void Clean(IBackupStore store, Func<string, string, bool> confirm, OperationContext ctx, InFlightRegistry registry = null)
        {
            registry = registry ?? InFlightRegistry.ForCurrentUser();
            var problem = registry.Prepare(out var hostile);
            if (problem != null)
            {
                var text = $"BqBackup's state folder is not usable: {problem}. What a killed run leaves (partial files, multipart uploads) is not recorded, so the next run cannot clean it.";
                if (hostile) ctx.WriteWarning(text);
                else ctx.WriteVerbose(text);
                return;
            }
            foreach (var record in registry.ReadAll(ctx.WriteVerbose))
            {
                ctx.ThrowIfCancelled();
                if (!record.OwnerIsGone) continue;
                if (store is FolderStore folder && record.Kind == InFlightRecord.FolderKind && SameFolder(record.Folder, folder.Root))
                    CleanPartial(record, registry, confirm, ctx);
                else if (store is S3Store s3 && record.IsFor(s3.Endpoint, s3.Bucket))
                    CleanUpload(record, s3, registry, confirm, ctx);
                else if (DateTime.UtcNow - record.Created > ForgetAfter)
                {
                    ctx.WriteVerbose($"Forgot the record of the {record.Describe()}, {record.DescribeOwner()}: that store was not used again within {ForgetAfter.TotalDays:F0} days.");
                    registry.Remove(record);
                }
            }
        }

        private static readonly StringComparison PathComparison = NativeFile.IsWindows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        private static bool SameFolder(string a, string b)
        {
            try { return string.Equals(Path.GetFullPath(a).TrimEnd('/', '\\'), Path.GetFullPath(b).TrimEnd('/', '\\'), PathComparison); }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException) { return false; }
        }

        private static void CleanPartial(InFlightRecord record, InFlightRegistry registry, Func<string, string, bool> confirm, OperationContext ctx)
        {
            var partial = record.Partial;
            var name = Path.GetFileName(partial);
            // A record names only a hidden partial body directly in its folder: never any other file.
            if (!SameFolder(Path.GetDirectoryName(partial) ?? "", record.Folder) || !name.StartsWith(".", StringComparison.Ordinal)
                || name.IndexOf(FolderStore.PartialMarker, StringComparison.Ordinal) < 0)
            {
                ctx.WriteVerbose($"Ignored and removed the in-flight record '{record.Path}': '{partial}' is not a partial body in '{record.Folder}'.");
                registry.Remove(record);
                return;
            }
            if (!NativeFile.ExistsNoFollow(partial))
            {
                registry.Remove(record); // committed or removed before the kill: nothing left
                return;
            }
            var notOurs = NotOurs(partial);
            if (notOurs != null)
            {
                ctx.WriteVerbose($"Left '{partial}' alone: {notOurs}. Forgot the record of it.");
                registry.Remove(record);
                return;
            }
            if (confirm != null && !confirm($"{name} in {record.Folder}", $"Remove the partial body a killed backup left (process {record.Pid})")) return;
            if (NativeFile.TryUnlink(partial) || !NativeFile.ExistsNoFollow(partial))
            {
                ctx.WriteVerbose($"Removed '{partial}', the partial body {record.DescribeOwner()}.");
                registry.Remove(record);
            }
            else ctx.WriteVerbose($"Could not remove '{partial}', {record.DescribeOwner()}; the next run tries again.");
        }

        /// <summary>Why the file at the name is not the partial body we wrote, or null.</summary>
        private static string NotOurs(string path)
        {
            if (NativeFile.IsLinkOrReparsePoint(path)) return "it is a symbolic link now";
            var status = NativeFile.LStat(path);
            if (!status.HasValue) return null;
            if (!status.Value.IsRegularFile) return "it is not a regular file";
            var me = NativeFile.EffectiveUserId();
            return me.HasValue && status.Value.Uid != me.Value ? $"it belongs to uid {status.Value.Uid}, not to this user" : null;
        }

        private static void CleanUpload(InFlightRecord record, S3Store store, InFlightRegistry registry, Func<string, string, bool> confirm, OperationContext ctx)
        {
            var what = $"the multipart upload of '{record.Key}' (upload id {record.UploadId}) in bucket '{record.Bucket}'";
            if (confirm != null && !confirm($"{record.Key} (upload id {record.UploadId}) in bucket {record.Bucket}", $"Abort the multipart upload a killed backup left (process {record.Pid})")) return;
            switch (S3PendingUploads.Abort(store, record.Key, record.UploadId, ctx.Cancellation, out var why))
            {
                case S3PendingUploads.AbortResult.Aborted:
                    ctx.WriteVerbose($"Aborted {what}, {record.DescribeOwner()}.");
                    registry.Remove(record);
                    break;
                case S3PendingUploads.AbortResult.AlreadyGone:
                    ctx.WriteVerbose($"Forgot {what}, {record.DescribeOwner()}: the server no longer has it.");
                    registry.Remove(record);
                    break;
                case S3PendingUploads.AbortResult.NotSupported:
                    ctx.WriteVerbose($"Could not abort {what}, {record.DescribeOwner()}: {why}. Forgot the record; an AbortIncompleteMultipartUpload lifecycle rule on the bucket reclaims it.");
                    registry.Remove(record);
                    break;
                default:
                    ctx.WriteVerbose($"Could not abort {what}, {record.DescribeOwner()}: {why} The next run tries again.");
                    break;
            }
        }
    }
}
