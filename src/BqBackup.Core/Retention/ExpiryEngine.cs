using System;
using System.Collections.Generic;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.IO;
using BqBackup.Locking;
using BqBackup.Storage;

namespace BqBackup.Retention
{
    /// <summary>
    /// Carries out retention decisions on a store. Every deletion, a sidecar left without its
    /// backup included, is first put to <c>confirm(target, action)</c> — the cmdlet's
    /// ShouldProcess, so -WhatIf, -Confirm and $WhatIfPreference are honoured in one place — and
    /// is skipped when it answers false.
    /// </summary>
    public static class ExpiryEngine
    {
        /// <summary>
        /// A backup writes its sidecar moments before its body commits; one older than this with no
        /// body is what a failed or half-deleted backup left, not a backup in flight.
        /// </summary>
        public static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(15);

        /// <summary>
        /// What comes before any policy is judged: the scratch folders of dead processes in TMPDIR
        /// (unless <paramref name="scratch"/> is false, as under -WhatIf), what killed runs of this
        /// user left in this store (partial bodies, multipart uploads; see the in-flight records),
        /// and, unless the run is <paramref name="narrowed"/> to piped backups, multipart uploads
        /// under an S3 prefix initiated more than a day ago by anyone. Every removal in the store
        /// goes through <paramref name="confirm"/>; nothing here fails the expiry.
        /// </summary>
        public static void CleanUp(IBackupStore store, Func<string, string, bool> confirm, OperationContext ctx, bool narrowed, bool scratch = true)
        {
            if (scratch) PrivateTempDirectory.RemoveOrphans(System.IO.Path.GetTempPath());
            LeftoverCleanup.Clean(store, confirm, ctx);
            if (!narrowed && store is Storage.S3.S3Store s3)
                StaleUploads.Abort(s3, ctx.UtcNow(), StaleUploads.Age(ProcessEnvironment.Instance, ctx), confirm, ctx);
        }

        /// <summary>
        /// Removes the backups the decisions do not keep, and outputs an outcome for each decision
        /// in scope, in order, to <paramref name="outcome"/> as it happens (for streaming) and in
        /// the list returned. <paramref name="onlyThese"/> (backup names, e.g. piped ones) narrows
        /// what may be removed; without it the run also cleans orphaned sidecars first. A failed
        /// removal is an outcome with its Error, never thrown: the next backup is still tried.
        /// </summary>
        public static IReadOnlyList<ExpiryOutcome> Apply(IBackupStore store, IEnumerable<RetentionDecision> decisions,
            Func<string, string, bool> confirm, OperationContext ctx, ISet<string> onlyThese = null, Action<ExpiryOutcome> outcome = null,
            bool includeBunqueueBackups = false, RemovalOptions removal = null)
        {
            removal = removal ?? RemovalOptions.Default;
            if (onlyThese == null) RemoveOrphanedSidecars(store, DateTime.UtcNow, confirm, ctx, includeBunqueueBackups);
            // What a delete does here decides what -WhatIf and -Confirm say: hide (versioned bucket) or remove.
            var keepsVersions = BackupLocks.KeepsVersions(store, ctx);
            var outcomes = new List<ExpiryOutcome>();
            foreach (var decision in decisions)
            {
                ctx.ThrowIfCancelled();
                if (onlyThese != null && !onlyThese.Contains(decision.Backup.Name)) continue;
                ctx.WriteVerbose($"{decision.Action} '{decision.Backup.Name}': {decision.Reason}.");
                var result = new ExpiryOutcome { Decision = decision };
                if (decision.Keep && decision.LongTerm && removal.ExtendLock != null && store is ILockingStore locking)
                {
                    try { result.LockExtendedUntil = ExtendLock(decision.Backup, locking, removal.ExtendLock, confirm, ctx); }
                    catch (BqBackupException e) { result.Error = e; }
                }
                if (!decision.Keep && confirm($"{decision.Backup.Name} in {store.Location}", $"{DescribeRemoval(keepsVersions, removal)} ({decision.Reason})"))
                {
                    try
                    {
                        var removed = Remove(decision.Backup, store, ctx, removal);
                        result.Removed = true;
                        result.Hidden = removed.Hidden;
                        result.PurgedVersions = removed.PurgedVersions;
                    }
                    catch (BqBackupException e)
                    {
                        result.Error = e;
                    }
                }
                outcomes.Add(result);
                outcome?.Invoke(result);
            }
            var hidden = outcomes.Count(o => o.Hidden);
            if (hidden > 0)
                ctx.WriteWarning($"{hidden} expired backup(s) in '{store.Location}' are hidden by delete markers, not removed: the bucket keeps versions, so their data stays (and is billed) " +
                                 "until a lifecycle rule expires noncurrent versions or an expiry with -PurgeVersions removes them.");
            return outcomes;
        }

        /// <summary>The ShouldProcess action for an expired backup: what the delete will really do on this store.</summary>
        public static string DescribeRemoval(bool? keepsVersions, RemovalOptions removal)
        {
            if (keepsVersions != true) return "Remove backup";
            return removal.PurgeVersions || removal.BypassGovernance
                ? "Remove backup and every version of it no lock protects"
                : "Hide backup behind a delete marker (versioned bucket: its data stays as a noncurrent version)";
        }

        /// <summary>
        /// Moves the lock of a long-term keeper's body and sidecar to now + the days asked, when that
        /// is later than the lock it has (Kopia's maintenance does the same for its blobs). A
        /// Compliance lock stays Compliance; Governance becomes Compliance only when asked.
        /// </summary>
        private static DateTime? ExtendLock(BackupInfo backup, ILockingStore store, Locking.ObjectLockOptions extend, Func<string, string, bool> confirm, OperationContext ctx)
        {
            var now = ctx.UtcNow();
            var wanted = extend.For(now);
            var current = BackupLocks.Read(store, backup.Name, null, ctx);
            if (current != null && current.RetainUntilUtc >= wanted.RetainUntilUtc && (current.Mode == Locking.ObjectLockMode.Compliance || extend.Mode == Locking.ObjectLockMode.Governance))
                return null;
            var mode = current?.Mode == Locking.ObjectLockMode.Compliance ? Locking.ObjectLockMode.Compliance : extend.Mode;
            var until = current != null && current.RetainUntilUtc > wanted.RetainUntilUtc ? current.RetainUntilUtc : wanted.RetainUntilUtc;
            var target = new ObjectRetention(mode, until);
            if (!confirm($"{backup.Name} in {store.Location}", $"Extend its lock to {target} (a long-term keeper)")) return null;
            store.SetLock(backup.Name, null, target, ctx.Cancellation);
            var metaName = BackupNaming.MetadataNameFor(backup.Name);
            if (store.Stat(metaName, ctx.Cancellation) != null) store.SetLock(metaName, null, target, ctx.Cancellation);
            backup.LockMode = target.Mode;
            backup.LockedUntil = target.RetainUntilUtc;
            ctx.WriteVerbose($"Extended the lock of '{backup.Name}' and its sidecar to {target}.");
            return target.RetainUntilUtc;
        }

        /// <summary>
        /// Deletes the sidecars whose backup body is gone (never listed as backups) and that are
        /// older than <see cref="OrphanAge"/>, each once <paramref name="confirm"/> agrees; returns their names.
        /// bunqueue's own sidecars are bunqueue's business unless <paramref name="includeBunqueueBackups"/>,
        /// as its backups are.
        /// </summary>
        public static IReadOnlyList<string> RemoveOrphanedSidecars(IBackupStore store, DateTime nowUtc, Func<string, string, bool> confirm, OperationContext ctx,
            bool includeBunqueueBackups = false)
        {
            var objects = store.List(ctx.Cancellation);
            var keys = new HashSet<string>(objects.Select(o => o.Key), StringComparer.Ordinal);
            var removed = new List<string>();
            foreach (var o in objects)
            {
                if (!BackupNaming.IsMetadataName(o.Key)) continue;
                var body = o.Key.Substring(0, o.Key.Length - BackupNaming.MetadataSuffix.Length);
                if (keys.Contains(body) || !BackupNaming.TryParse(body, out var origin, out _)) continue;
                if (origin == BackupOrigin.Bunqueue && !includeBunqueueBackups) continue;
                if (nowUtc - o.LastModified.UtcDateTime < OrphanAge) continue;
                if (!confirm($"{o.Key} in {store.Location}", $"Remove orphaned sidecar (its backup '{body}' is gone)")) continue;
                store.Delete(o.Key, ctx.Cancellation);
                ctx.WriteVerbose($"Removed '{o.Key}': its backup '{body}' is gone (a failed or half-deleted backup).");
                removed.Add(o.Key);
            }
            return removed;
        }

        /// <summary>
        /// Deletes one backup: body first, so it stops being a backup in one step, then its
        /// sidecar. The store is asked again afterwards: a delete that was acknowledged but did not
        /// happen is an error, never a silent success. A backup whose lock is still in force is
        /// ObjectLocked before any delete is sent (with <see cref="RemovalOptions.BypassGovernance"/>,
        /// a Governance lock is bypassed); on a versioned bucket the delete hides it unless versions
        /// are purged, and a purge leaves every version a lock still protects.
        /// </summary>
        public static RemovalResult Remove(BackupInfo backup, IBackupStore store, OperationContext ctx, RemovalOptions removal = null)
        {
            removal = removal ?? RemovalOptions.Default;
            var metaName = BackupNaming.MetadataNameFor(backup.Name);
            var result = new RemovalResult();
            if (store is ILockingStore locking)
            {
                var now = ctx.UtcNow();
                // The sidecar only where one was listed: a backup without one has no sidecar to read.
                foreach (var key in backup.MetadataName != null ? new[] { backup.Name, metaName } : new[] { backup.Name })
                {
                    var current = locking.ReadLock(key, null, ctx.Cancellation);
                    if (current.IsLockedAt(now) && !Bypasses(current, removal))
                        throw Storage.S3.S3ObjectLocks.Locked(store, key, null, current);
                }
                if ((removal.PurgeVersions || removal.BypassGovernance) && BackupLocks.KeepsVersions(store, ctx) == true)
                {
                    // Versions first, the current one first of all: refused there, nothing has changed.
                    var left = 0;
                    foreach (var key in new[] { backup.Name, metaName })
                        left += Purge(locking, key, removal.BypassGovernance, now, result, ctx);
                    if (left > 0)
                    {
                        // An older version a lock keeps became current again: a delete marker hides it.
                        foreach (var key in new[] { backup.Name, metaName })
                            if (locking.Stat(key, ctx.Cancellation) != null) locking.DeleteKey(key, ctx.Cancellation);
                        result.Hidden = true;
                    }
                }
                else
                {
                    result.Hidden = locking.DeleteKey(backup.Name, ctx.Cancellation) == KeyDeletion.Hidden;
                    locking.DeleteKey(metaName, ctx.Cancellation);
                }
            }
            else
            {
                store.Delete(backup.Name, ctx.Cancellation);
                store.Delete(metaName, ctx.Cancellation);
            }
            if (store.Stat(backup.Name, ctx.Cancellation) != null)
                throw new BqBackupException(ErrorIds.RemoveFailed, BqErrorCategory.WriteError,
                    $"The store acknowledged deleting '{backup.Name}' but it is still there.", backup.Name,
                    "Check that the credentials may delete objects, and whether the bucket has object lock or versioning rules.");
            ctx.WriteVerbose(result.Hidden
                ? $"Hid '{backup.Name}' and '{metaName}' in '{store.Location}' behind delete markers: the bucket keeps versions, so their data stays{(result.LockedVersions > 0 ? $" ({result.LockedVersions} version(s) still locked)" : "")}."
                : $"Removed '{backup.Name}' and '{metaName}' from '{store.Location}'{(result.PurgedVersions > 0 ? $", {result.PurgedVersions} version(s) and delete marker(s) with them" : "")}.");
            return result;
        }

        /// <summary>A Governance retention without a legal hold gives way to -BypassGovernanceRetention; nothing else does.</summary>
        private static bool Bypasses(ObjectLockState state, RemovalOptions removal) =>
            removal.BypassGovernance && state.Mode == "GOVERNANCE" && !state.LegalHold;

        /// <summary>
        /// Deletes every version of the key that no lock protects, then its delete markers, but only
        /// once no version is left: a marker removed above a locked version would bring it back as
        /// current. Returns how many object versions stay.
        /// </summary>
        private static int Purge(ILockingStore store, string key, bool bypassGovernance, DateTime nowUtc, RemovalResult result, OperationContext ctx)
        {
            var versions = store.ListVersions(key, ctx.Cancellation);
            var left = 0;
            foreach (var version in versions.Where(v => !v.IsDeleteMarker))
            {
                ctx.ThrowIfCancelled();
                var lockState = store.ReadLock(key, version.VersionId, ctx.Cancellation);
                var bypass = false;
                if (lockState.IsLockedAt(nowUtc))
                {
                    if (!Bypasses(lockState, new RemovalOptions { BypassGovernance = bypassGovernance }))
                    {
                        // Never a delete the lock forbids: the version stays, and a later run takes it.
                        ctx.WriteVerbose($"Left version {version.VersionId} of '{key}': locked ({lockState}).");
                        result.LockedVersions++;
                        left++;
                        continue;
                    }
                    bypass = true;
                }
                store.DeleteVersion(key, version.VersionId, bypass, ctx.Cancellation);
                result.PurgedVersions++;
            }
            if (left > 0) return left;
            foreach (var marker in versions.Where(v => v.IsDeleteMarker))
            {
                store.DeleteVersion(key, marker.VersionId, false, ctx.Cancellation);
                result.PurgedVersions++;
            }
            return 0;
        }
    }
}
