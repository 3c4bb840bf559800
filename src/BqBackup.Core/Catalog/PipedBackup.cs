using System;
using System.Linq;
using BqBackup.Storage;

namespace BqBackup.Catalog
{
    /// <summary>
    /// A backup that reached a cmdlet through the pipeline: one Get-BqBackup or New-BqBackup
    /// output, or some other object PowerShell turned into a BackupInfo (an Import-Csv row, a
    /// hashtable), which carries no more than the properties it had.
    /// </summary>
    public static class PipedBackup
    {
        /// <summary>
        /// A backup named by a row of some export of Get-BqBackup (Export-Csv / Import-Csv,
        /// ConvertTo-Json / ConvertFrom-Json, a hashtable): only what identifies it and its store
        /// is taken (Name, Destination, VersionId, StoreSettings), the rest (sizes, dates, counts in
        /// whatever text the export wrote) is read again from the store by <see cref="Current"/>.
        /// Empty values stay empty, so <see cref="RequireComplete"/> names what is missing.
        /// </summary>
        public static BackupInfo FromRow(string name, string destination, string versionId, StoreSettings storeSettings) => new BackupInfo
        {
            Name = Blank(name),
            Destination = Blank(destination),
            VersionId = Blank(versionId),
            StoreSettings = storeSettings,
        };

        private static string Blank(string text) => string.IsNullOrWhiteSpace(text) ? null : text;

        /// <summary>
        /// InputObjectIncomplete, naming the property, when the object lacks one a cmdlet needs to
        /// find the backup (Name, Destination): never an empty backup acted on or skipped in silence.
        /// </summary>
        public static void RequireComplete(BackupInfo backup, string command)
        {
            var missing = string.IsNullOrEmpty(backup?.Name) ? "Name" : string.IsNullOrEmpty(backup.Destination) ? "Destination" : null;
            if (missing == null) return;
            throw new BqBackupException(ErrorIds.InputObjectIncomplete, BqErrorCategory.InvalidArgument,
                $"The input object has no {missing} property (or it is empty); {command} needs the Name and Destination of a backup, as Get-BqBackup outputs them. Nothing was done for it.",
                missing,
                $"Pipe Get-BqBackup's output, or objects with Name and Destination properties; to work on whole destinations pipe objects with a Destination property and give -Latest or -All, or -Name.");
        }

        /// <summary>
        /// The backup as its store holds it now: the object itself when a listing or a backup made
        /// it; otherwise the backup of that exact name in <paramref name="destination"/> (read with
        /// its sidecar), or BackupNotFound.
        /// </summary>
        public static BackupInfo Current(BackupInfo piped, IBackupStore store, string destination, OperationContext ctx)
        {
            if (piped.Listed) return piped;
            if (!string.IsNullOrEmpty(piped.VersionId))
            {
                // A version (an Import-Csv row of Get-BqBackup -IncludeDeleted): exactly that one, or nothing.
                if (!(store is IVersionedStore)) throw StoreReads.NoVersions(store, piped.Name, piped.VersionId);
                var version = new BackupCatalog(store, destination).List(ctx, includeDeleted: true)
                    .FirstOrDefault(b => string.Equals(b.Name, piped.Name, StringComparison.Ordinal) && string.Equals(b.VersionId, piped.VersionId, StringComparison.Ordinal));
                if (version != null) return version;
                throw new BqBackupException(ErrorIds.BackupNotFound, BqErrorCategory.ObjectNotFound,
                    $"There is no version '{piped.VersionId}' of the backup '{piped.Name}' in '{destination}'.", piped.Name,
                    "Run Get-BqBackup -Destination ... -IncludeDeleted to see the versions the store keeps.");
            }
            var listed = new BackupCatalog(store, destination).List(ctx);
            var ignoringCase = listed.Where(b => string.Equals(b.Name, piped.Name, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
            var found = listed.FirstOrDefault(b => string.Equals(b.Name, piped.Name, StringComparison.Ordinal))
                ?? (ignoringCase.Count == 1 ? ignoringCase[0] : null);
            if (found != null) return found;
            throw new BqBackupException(ErrorIds.BackupNotFound, BqErrorCategory.ObjectNotFound,
                $"There is no backup named '{piped.Name}' in '{destination}'.", piped.Name,
                "Run Get-BqBackup -Destination without -Name to see the names.");
        }
    }
}
