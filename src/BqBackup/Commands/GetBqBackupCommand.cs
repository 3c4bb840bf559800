using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using BqBackup.Catalog;

namespace BqBackup.Commands
{
    /// <summary>Lists the backups in a destination, newest first: ours and bunqueue's own.</summary>
    [Cmdlet(VerbsCommon.Get, "BqBackup", DefaultParameterSetName = "List", HelpUri = HelpLinks.GetBqBackup)]
    [OutputType(typeof(BackupInfo))]
    public sealed class GetBqBackupCommand : BqStoreCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string Destination { get; set; }

        /// <summary>Backup names; wildcards allowed.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(Completion.BackupNameCompleter))]
        public string[] Name { get; set; }

        /// <summary>Only the newest backup that passes the other filters.</summary>
        [Parameter(ParameterSetName = "List")]
        public SwitchParameter Latest { get; set; }

        /// <summary>Only backups taken before this time (local time unless given as UTC).</summary>
        [Parameter(ParameterSetName = "List")]
        public DateTime Before { get; set; }

        /// <summary>Only backups taken after this time.</summary>
        [Parameter(ParameterSetName = "List")]
        public DateTime After { get; set; }

        /// <summary>The newest backup taken at or before this time: what a point-in-time restore would use.</summary>
        [Parameter(ParameterSetName = "At", Mandatory = true)]
        public DateTime At { get; set; }

        /// <summary>
        /// Also the backups a delete marker hides in a versioned bucket (deleted by a person, a script
        /// or an attacker) and versions another write replaced, each with its VersionId and Deleted set.
        /// </summary>
        [Parameter]
        public SwitchParameter IncludeDeleted { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            // A malformed -Name is a bad argument for every destination: it stops the command.
            try { if (Name != null) foreach (var n in Name) BackupNamePattern.Parse(n); }
            catch (BqBackupException e) { Fail(e); }
        }

        protected override void ProcessRecord()
        {
            // Everything below concerns this one destination: a failure is reported for it, and the
            // next piped destination is still listed.
            var destination = DestinationFor(Destination);
            if (destination == null) return;
            IReadOnlyList<BackupInfo> backups;
            try
            {
                using (var store = OpenStore(destination, createFolder: false))
                {
                    if (IncludeDeleted && !(store is Storage.IVersionedStore))
                        WriteVerbose($"'{destination}' keeps no versions (only S3 buckets do): -IncludeDeleted finds nothing more there.");
                    backups = Guard(() => new BackupCatalog(store, destination).List(Context(), IncludeDeleted));
                }
            }
            catch (BqBackupException e)
            {
                Report(e);
                return;
            }

            IEnumerable<BackupInfo> selected = backups;
            if (Name != null)
            {
                try { selected = BackupCatalog.Find(backups, Name, destination, Report); }
                catch (BqBackupException e) { Report(e); return; }
            }

            if (ParameterSetName == "At")
            {
                // Not terminating: an empty answer to "which backup was there then?" is a finding, as Get-ChildItem reports a missing path.
                try { WriteObject(PickBackup(selected, At, destination)); }
                catch (BqBackupException e) { Report(e); }
                return;
            }

            if (MyInvocation.BoundParameters.ContainsKey(nameof(Before))) selected = selected.Where(b => b.Timestamp < Before.ToUniversalTime());
            if (MyInvocation.BoundParameters.ContainsKey(nameof(After))) selected = selected.Where(b => b.Timestamp > After.ToUniversalTime());
            if (Latest)
            {
                // A backup stamped in the future (clock skew) is never "the latest": its time is not when it was taken.
                var list = selected.ToList();
                var skipped = list.TakeWhile(b => b.TimestampInFuture).Count();
                if (skipped > 0)
                    WriteWarning($"Passed over {skipped} backup(s) stamped in the future (Status FutureTimestamp: clock skew); -Latest never picks them. Name one with -Name to use it.");
                selected = list.Where(b => !b.TimestampInFuture).Take(1);
            }
            WriteObject(selected, enumerateCollection: true);
        }
    }
}
