using System;
using System.Collections.Generic;
using System.Linq;
using BqBackup.Catalog;

namespace BqBackup.Retention
{
    /// <summary>
    /// Which backups Remove-BqBackup removes, from a destination's listing: those a -Name picks
    /// (<see cref="BackupCatalog.Find"/>, the one name lookup) or those piped in, by exact name.
    /// bunqueue's own backups are bunqueue's, as in an expiry: without
    /// <c>includeBunqueueBackups</c> one a wildcard matches is left out (verbose says so), and
    /// one named exactly or piped in is the error BunqueueBackupProtected. Each finding goes to
    /// <c>error</c> (non-terminating, per item); the removal itself is <see cref="ExpiryEngine.Remove"/>.
    /// </summary>
    public static class BackupRemoval
    {
        /// <summary>The backups <paramref name="namePatterns"/> pick (names or wildcards), each once, newest first.</summary>
        public static IReadOnlyList<BackupInfo> SelectByName(IReadOnlyList<BackupInfo> listing, IEnumerable<string> namePatterns, bool includeBunqueueBackups,
            string destination, Action<BqBackupException> error, Action<string> verbose)
        {
            var patterns = namePatterns.ToList();
            var matched = BackupCatalog.Find(listing, patterns, destination, error);
            var literals = patterns.Select(BackupNamePattern.Parse).Where(p => !p.HasWildcards).ToList();
            var selected = new List<BackupInfo>();
            foreach (var backup in matched)
            {
                if (includeBunqueueBackups || backup.Origin != BackupOrigin.Bunqueue) { selected.Add(backup); continue; }
                if (literals.Any(p => p.IsMatch(backup.Name))) error?.Invoke(Protected(backup));
                else verbose?.Invoke($"Left '{backup.Name}' alone: it is bunqueue's own backup (add -IncludeBunqueueBackups to remove it).");
            }
            return selected;
        }

        /// <summary>
        /// The listed backups named by <paramref name="piped"/> (objects from Get-BqBackup), each
        /// once: a name no longer listed is BackupNotFound, a bunqueue backup without
        /// <paramref name="includeBunqueueBackups"/> BunqueueBackupProtected.
        /// </summary>
        public static IReadOnlyList<BackupInfo> SelectPiped(IReadOnlyList<BackupInfo> listing, IEnumerable<BackupInfo> piped, bool includeBunqueueBackups,
            string destination, Action<BqBackupException> error)
        {
            var byName = new Dictionary<string, BackupInfo>(StringComparer.Ordinal);
            foreach (var b in listing) byName[b.Name] = b;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var selected = new List<BackupInfo>();
            foreach (var wanted in piped)
            {
                if (wanted?.Name == null || !seen.Add(wanted.Name)) continue;
                if (!byName.TryGetValue(wanted.Name, out var backup))
                {
                    // The same BackupNotFound a -Name of that name gives.
                    error?.Invoke(BackupCatalog.NotFound(BackupNamePattern.Parse(EscapeName(wanted.Name)), destination));
                    continue;
                }
                if (backup.Origin == BackupOrigin.Bunqueue && !includeBunqueueBackups) { error?.Invoke(Protected(backup)); continue; }
                selected.Add(backup);
            }
            return selected;
        }

        /// <summary>A name as a -Name pattern that matches only itself.</summary>
        public static string EscapeName(string name)
        {
            var chars = new System.Text.StringBuilder(name.Length);
            foreach (var c in name)
            {
                if (c == '*' || c == '?' || c == '[' || c == ']' || c == '`') chars.Append('`');
                chars.Append(c);
            }
            return chars.ToString();
        }

        private static BqBackupException Protected(BackupInfo backup) =>
            new BqBackupException(ErrorIds.BunqueueBackupProtected, BqErrorCategory.InvalidOperation,
                $"'{backup.Name}' is bunqueue's own backup; it was not removed.", backup.Name,
                "bunqueue's retention manages its own backups; to remove it anyway add -IncludeBunqueueBackups.");
    }
}
