using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BqBackup.Storage;

namespace BqBackup.Catalog
{
    /// <summary>
    /// The backups in one store, read from its listing: a backup exists when its body exists; a
    /// sidecar alone (a failed or half-deleted backup) is never listed as one.
    /// </summary>
    public sealed class BackupCatalog
    {
        private readonly IBackupStore store;
        private readonly string destination;

        public BackupCatalog(IBackupStore store, string destination)
        {
            this.store = store;
            this.destination = destination;
        }

        /// <summary>Every backup, newest first.</summary>
        public IReadOnlyList<BackupInfo> List(OperationContext ctx)
        {
            var objects = store.List(ctx.Cancellation);
            var byKey = objects.ToDictionary(o => o.Key, StringComparer.Ordinal);
            var backups = new List<BackupInfo>();
            foreach (var body in objects)
            {
                ctx.ThrowIfCancelled();
                if (!BackupNaming.TryParse(body.Key, out var origin, out var nameTime)) continue;
                var info = new BackupInfo
                {
                    Name = body.Key,
                    Destination = destination,
                    Origin = origin,
                    Timestamp = nameTime,
                    Size = body.Size,
                    LastModified = body.LastModified,
                    // Ours are always gzip; bunqueue's say so in their sidecar.
                    Compressed = origin == BackupOrigin.BqBackup,
                    Encrypted = BackupNaming.IsEncryptedName(body.Key),
                    Status = BackupStatus.MissingMetadata,
                };
                var metaKey = BackupNaming.MetadataNameFor(body.Key);
                if (byKey.ContainsKey(metaKey))
                {
                    info.MetadataName = metaKey;
                    ApplyMetadata(info, ReadMetadata(metaKey, ctx, out var problem), problem);
                }
                backups.Add(info);
            }
            return backups.OrderByDescending(b => b.Timestamp).ThenByDescending(b => b.Name, StringComparer.Ordinal).ToList();
        }

        /// <summary>The backup of that exact name; BackupNotFound when there is none.</summary>
        public BackupInfo Get(string name, OperationContext ctx)
        {
            var match = List(ctx).FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.Ordinal));
            if (match == null)
                throw new BqBackupException(ErrorIds.BackupNotFound, BqErrorCategory.ObjectNotFound,
                    $"There is no backup named '{name}' in '{destination}'.", name,
                    "List the backups with Get-BqBackup -Destination and use one of their names.");
            return match;
        }

        /// <summary>The newest backup taken at or before <paramref name="atUtc"/>, or null.</summary>
        public static BackupInfo PickAt(IEnumerable<BackupInfo> newestFirst, DateTime atUtc) =>
            newestFirst.FirstOrDefault(b => b.Timestamp <= atUtc.ToUniversalTime());

        /// <summary>
        /// The newest backup taken at or before <paramref name="atUtc"/>, or the newest of all when
        /// it is null; NoBackupFound (target: the time asked for, else the destination) when there is none.
        /// </summary>
        public static BackupInfo PickAtOrFail(IEnumerable<BackupInfo> newestFirst, DateTime? atUtc, string destination)
        {
            var at = atUtc?.ToUniversalTime();
            var picked = PickAt(newestFirst, at ?? DateTime.MaxValue);
            if (picked != null) return picked;
            throw at.HasValue
                ? new BqBackupException(ErrorIds.NoBackupFound, BqErrorCategory.ObjectNotFound,
                    $"No backup in '{destination}' was taken at or before {at:yyyy-MM-dd HH:mm:ss} UTC.", at.Value,
                    "Pick a later time; Get-BqBackup -Destination lists what it holds.")
                : new BqBackupException(ErrorIds.NoBackupFound, BqErrorCategory.ObjectNotFound,
                    $"There are no backups in '{destination}'.", destination,
                    "Check -Destination; Get-BqBackup -Destination lists what it holds.");
        }

        private BackupMetadata ReadMetadata(string key, OperationContext ctx, out string problem)
        {
            try
            {
                using (var stream = store.OpenRead(key, ctx.Cancellation))
                using (var buffer = new MemoryStream())
                {
                    // A sidecar is a few hundred bytes; anything huge is not one of ours.
                    var chunk = new byte[8192];
                    int n;
                    while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
                    {
                        buffer.Write(chunk, 0, n);
                        if (buffer.Length > 1 << 20) { problem = "larger than 1 MiB"; return null; }
                    }
                    return BackupMetadata.Parse(buffer.ToArray(), out problem);
                }
            }
            catch (BqBackupException e) when (e.ErrorId == ErrorIds.BackupNotFound)
            {
                problem = null; // deleted between listing and reading: treat as missing
                return null;
            }
        }

        internal static void ApplyMetadata(BackupInfo info, BackupMetadata meta, string problem)
        {
            if (meta == null)
            {
                info.Status = problem == null ? BackupStatus.MissingMetadata : BackupStatus.InvalidMetadata;
                if (problem == null) info.MetadataName = null;
                return;
            }
            info.Status = BackupStatus.Ok;
            info.Timestamp = meta.Timestamp;
            info.DatabaseSize = meta.Size;
            info.Sha256 = meta.Checksum;
            info.Compressed = meta.Compressed;
            info.WrittenBy = meta.Version;
            info.Host = meta.Host;
            info.SourcePath = meta.SourcePath;
            info.SchemaVersion = meta.SchemaVersion;
            info.Counts = meta.Counts;
            info.ExpectedSize = meta.CompressedSize >= 0 ? meta.CompressedSize : (long?)null;
            info.MetadataRecordsEncryption = meta.Encryption != null;
            info.Encrypted = info.Encrypted || meta.Encryption != null || BackupNaming.IsEncryptedName(info.Name);
            info.Recipients = meta.Recipients;
        }
    }
}
