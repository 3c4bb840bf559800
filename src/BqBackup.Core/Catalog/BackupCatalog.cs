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
        public IReadOnlyList<BackupInfo> List(OperationContext ctx) => List(ctx, includeDeleted: false);

        /// <summary>
        /// Every backup, newest first; with <paramref name="includeDeleted"/> and a store that keeps
        /// versions, also every body version that is not its key's current one (hidden by a delete
        /// marker, or replaced), marked Deleted and carrying its VersionId, with the sidecar version
        /// written closest in time to it. A store without versions lists as without the switch.
        /// </summary>
        public IReadOnlyList<BackupInfo> List(OperationContext ctx, bool includeDeleted)
        {
            if (includeDeleted && store is IVersionedStore versioned) return ListVersions(versioned, ctx);
            var objects = store.List(ctx.Cancellation);
            var byKey = objects.ToDictionary(o => o.Key, StringComparer.Ordinal);
            var backups = new List<BackupInfo>();
            var now = ctx.UtcNow();
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
                    // Ours are always compressed (their name says how); bunqueue's say so in their sidecar.
                    Compressed = origin == BackupOrigin.BqBackup,
                    Compression = CompressionName(BackupNaming.CompressionOfName(body.Key)),
                    Encrypted = BackupNaming.IsEncryptedName(body.Key),
                    Status = BackupStatus.MissingMetadata,
                };
                MarkListed(info, store);
                var metaKey = BackupNaming.MetadataNameFor(body.Key);
                if (byKey.ContainsKey(metaKey))
                {
                    info.MetadataName = metaKey;
                    ApplyMetadata(info, ReadMetadata(metaKey, ctx, out var problem), problem);
                }
                FlagClockSkew(info, now);
                backups.Add(info);
            }
            Locking.BackupLocks.Fill(store, backups, ctx);
            return backups.OrderByDescending(b => b.Timestamp).ThenByDescending(b => b.Name, StringComparer.Ordinal).ToList();
        }

        private IReadOnlyList<BackupInfo> ListVersions(IVersionedStore versioned, OperationContext ctx)
        {
            var versions = versioned.ListVersions(ctx.Cancellation);
            var sidecars = versions.Where(v => !v.IsDeleteMarker).ToLookup(v => v.Key, StringComparer.Ordinal);
            var backups = new List<BackupInfo>();
            var now = ctx.UtcNow();
            foreach (var body in versions)
            {
                ctx.ThrowIfCancelled();
                if (body.IsDeleteMarker || !BackupNaming.TryParse(body.Key, out var origin, out var nameTime)) continue;
                var info = new BackupInfo
                {
                    Name = body.Key,
                    Destination = destination,
                    Origin = origin,
                    Timestamp = nameTime,
                    Size = body.Size,
                    LastModified = body.LastModified,
                    Compressed = origin == BackupOrigin.BqBackup,
                    Encrypted = BackupNaming.IsEncryptedName(body.Key),
                    Status = BackupStatus.MissingMetadata,
                    // A current body is read as the key (also where the provider's version ids are "null", from before versioning).
                    VersionId = body.IsLatest ? null : body.VersionId,
                    Deleted = !body.IsLatest,
                };
                MarkListed(info, store);
                var metaKey = BackupNaming.MetadataNameFor(body.Key);
                // The sidecar written with this body: the current one for a current body, else the
                // version nearest in time (a backup writes both within seconds; a later replacement
                // of the sidecar is not this body's).
                var sidecar = body.IsLatest
                    ? sidecars[metaKey].FirstOrDefault(v => v.IsLatest)
                    : sidecars[metaKey].OrderBy(v => Math.Abs((v.LastModified - body.LastModified).Ticks)).FirstOrDefault();
                if (sidecar != null)
                {
                    info.MetadataName = metaKey;
                    info.MetadataVersionId = sidecar.IsLatest ? null : sidecar.VersionId;
                    ApplyMetadata(info, ReadMetadata(metaKey, info.MetadataVersionId, ctx, out var problem), problem);
                }
                FlagClockSkew(info, now);
                backups.Add(info);
            }
            return backups.OrderByDescending(b => b.Timestamp).ThenByDescending(b => b.Name, StringComparer.Ordinal).ThenBy(b => b.Deleted).ToList();
        }

        /// <summary>The one backup <paramref name="name"/> names (see <see cref="FindOne"/>).</summary>
        public BackupInfo Get(string name, OperationContext ctx) => FindOne(List(ctx), name, destination);

        /// <summary>
        /// The backups whose names match any of <paramref name="namePatterns"/> (the rules of
        /// <see cref="BackupNamePattern"/>), each once, in the order given (newest first for a
        /// listing). Every pattern is read before anything is matched, so a malformed one is
        /// InvalidNamePattern before any other finding; then each literal name (no wildcards) that
        /// matches nothing is handed to <paramref name="notFound"/> as BackupNotFound, as
        /// PowerShell reports a missing literal path and stays silent for a wildcard that matches
        /// nothing.
        /// </summary>
        public static IReadOnlyList<BackupInfo> Find(IEnumerable<BackupInfo> backups, IEnumerable<string> namePatterns, string destination,
            Action<BqBackupException> notFound)
        {
            var patterns = namePatterns.Select(BackupNamePattern.Parse).ToList();
            var all = backups.ToList();
            foreach (var literal in patterns.Where(p => !p.HasWildcards))
                if (!all.Any(b => literal.IsMatch(b.Name))) notFound?.Invoke(NotFound(literal, destination));
            return all.Where(b => patterns.Any(p => p.IsMatch(b.Name))).ToList();
        }

        /// <summary>
        /// The one backup a -Name picks, for a command that acts on exactly one (a restore):
        /// BackupNotFound when nothing matches, AmbiguousBackupName when several do; of names that
        /// differ only in case, a literal name picks the one spelled exactly as given.
        /// </summary>
        public static BackupInfo FindOne(IEnumerable<BackupInfo> backups, string namePattern, string destination)
        {
            var pattern = BackupNamePattern.Parse(namePattern);
            var matches = backups.Where(b => pattern.IsMatch(b.Name)).ToList();
            if (matches.Count == 0) throw NotFound(pattern, destination);
            if (matches.Count == 1) return matches[0];
            var exact = pattern.HasWildcards ? null : matches.FirstOrDefault(b => string.Equals(b.Name, namePattern, StringComparison.Ordinal));
            if (exact != null) return exact;
            var shown = string.Join(", ", matches.Take(3).Select(b => $"'{b.Name}'")) + (matches.Count > 3 ? $" and {matches.Count - 3} more" : "");
            throw new BqBackupException(ErrorIds.AmbiguousBackupName, BqErrorCategory.InvalidArgument,
                $"'{namePattern}' matches {matches.Count} backups in '{destination}' ({shown}); a restore takes exactly one, so nothing was restored.",
                namePattern,
                $"Give one backup's full name (Get-BqBackup -Destination <destination> -Name '{namePattern}' lists the {matches.Count}), or use -Latest or -At.");
        }

        internal static BqBackupException NotFound(BackupNamePattern pattern, string destination) =>
            new BqBackupException(ErrorIds.BackupNotFound, BqErrorCategory.ObjectNotFound,
                pattern.HasWildcards
                    ? $"No backup in '{destination}' matches '{pattern.Text}'."
                    : $"There is no backup named '{pattern.Text}' in '{destination}'.",
                pattern.Text,
                "Run Get-BqBackup -Destination without -Name to see the names.");

        /// <summary>
        /// The newest backup taken at or before <paramref name="atUtc"/>, or null. A backup stamped
        /// in the future (clock skew) is never picked: its time says nothing about when it was taken.
        /// </summary>
        public static BackupInfo PickAt(IEnumerable<BackupInfo> newestFirst, DateTime atUtc) =>
            newestFirst.FirstOrDefault(b => !b.TimestampInFuture && b.Timestamp <= atUtc.ToUniversalTime());

        /// <summary>Marks a backup stamped beyond now plus the tolerance; one with a sidecar gets Status FutureTimestamp.</summary>
        internal static void FlagClockSkew(BackupInfo info, DateTime nowUtc)
        {
            info.TimestampInFuture = ClockSkew.IsAhead(info.Timestamp, nowUtc);
            if (info.TimestampInFuture && info.Status == BackupStatus.Ok) info.Status = BackupStatus.FutureTimestamp;
        }

        /// <summary>
        /// The newest backup taken at or before <paramref name="atUtc"/>, or the newest of all when
        /// it is null; NoBackupFound (target: the time asked for, else the destination) when there is none.
        /// </summary>
        public static BackupInfo PickAtOrFail(IEnumerable<BackupInfo> newestFirst, DateTime? atUtc, string destination)
        {
            var at = atUtc?.ToUniversalTime();
            var all = newestFirst.ToList();
            var picked = PickAt(all, at ?? DateTime.MaxValue);
            if (picked != null) return picked;
            var skewed = all.Count(b => b.TimestampInFuture);
            if (skewed > 0)
                throw new BqBackupException(ErrorIds.NoBackupFound, BqErrorCategory.ObjectNotFound,
                    $"No backup in '{destination}' can be picked{(at.HasValue ? $" at or before {at:yyyy-MM-dd HH:mm:ss} UTC" : "")}: {skewed} backup(s) are stamped in the future " +
                    $"(more than {ClockSkew.Tolerance.TotalMinutes:F0} minutes ahead: clock skew), and those are never picked by time.", at.HasValue ? (object)at.Value : destination,
                    "Check the clocks of the backup hosts; to use such a backup anyway, name it with -Name (Get-BqBackup -Destination lists them with Status FutureTimestamp).");
            throw at.HasValue
                ? new BqBackupException(ErrorIds.NoBackupFound, BqErrorCategory.ObjectNotFound,
                    $"No backup in '{destination}' was taken at or before {at:yyyy-MM-dd HH:mm:ss} UTC.", at.Value,
                    "Pick a later time; Get-BqBackup -Destination lists what it holds.")
                : new BqBackupException(ErrorIds.NoBackupFound, BqErrorCategory.ObjectNotFound,
                    $"There are no backups in '{destination}'.", destination,
                    "Check -Destination; Get-BqBackup -Destination lists what it holds.");
        }

        private BackupMetadata ReadMetadata(string key, OperationContext ctx, out string problem) => ReadMetadata(key, null, ctx, out problem);

        private BackupMetadata ReadMetadata(string key, string versionId, OperationContext ctx, out string problem)
        {
            try
            {
                using (var stream = store.OpenRead(key, versionId, ctx.Cancellation))
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

        /// <summary>Marks a backup as one its store holds, carrying the store's non-secret settings.</summary>
        internal static void MarkListed(BackupInfo info, IBackupStore store)
        {
            info.StoreSettings = StoreSettings.Of(store);
            info.Listed = true;
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
            info.Compression = KnownCompression(meta.Compression) ?? CompressionName(BackupNaming.CompressionOfName(info.Name)) ?? (meta.Compressed ? "Gzip" : "None");
            info.WrittenBy = meta.Version;
            info.Host = meta.Host;
            info.SourcePath = meta.SourcePath;
            info.SchemaVersion = meta.SchemaVersion;
            info.Counts = meta.Counts;
            info.ExpectedSize = meta.CompressedSize >= 0 ? meta.CompressedSize : (long?)null;
            info.MetadataRecordsEncryption = meta.Encryption != null;
            info.Encrypted = info.Encrypted || meta.Encryption != null || BackupNaming.IsEncryptedName(info.Name);
            info.Recipients = meta.Recipients == null ? null : new ReadableList<string>(meta.Recipients);
            info.BlockIndex = meta.GzipBlocks;
            info.SnapshotIntegrityChecked = meta.IntegrityCheck == BackupMetadata.IntegrityCheckOk;
        }

        private static string CompressionName(Codec.BqCompression? compression) => compression?.ToString();

        /// <summary>A sidecar's "compression" when it names one we know; junk there is not repeated.</summary>
        private static string KnownCompression(string recorded) =>
            string.Equals(recorded, "zstd", StringComparison.OrdinalIgnoreCase) ? "Zstd"
            : string.Equals(recorded, "gzip", StringComparison.OrdinalIgnoreCase) ? "Gzip" : null;
    }
}
