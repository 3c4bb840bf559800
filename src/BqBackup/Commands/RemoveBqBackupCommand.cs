using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using BqBackup.Catalog;
using BqBackup.Retention;

namespace BqBackup.Commands
{
    /// <summary>Removes the backups named or piped in, each with its sidecar, after asking.</summary>
    [Cmdlet(VerbsCommon.Remove, "BqBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet,
        HelpUri = HelpLinks.RemoveBqBackup)]
    [OutputType(typeof(BackupInfo))]
    public sealed class RemoveBqBackupCommand : BqStoreCmdlet
    {
        private const string NameSet = "Name";
        private const string InputSet = "InputObject";

        [Parameter(Position = 0, ParameterSetName = NameSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string Destination { get; set; }

        /// <summary>Backup names; wildcards allowed, read as Get-BqBackup reads them.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = NameSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(Completion.BackupNameCompleter))]
        public string[] Name { get; set; }

        /// <summary>Backups from Get-BqBackup.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
        [Binding.PipedBackupRow]
        public BackupInfo[] InputObject { get; set; }

        [Parameter]
        public SwitchParameter IncludeBunqueueBackups { get; set; }

        /// <summary>On a versioned bucket, also delete the backup's noncurrent versions and delete markers that no lock protects (else a delete only hides it).</summary>
        [Parameter]
        public SwitchParameter PurgeVersions { get; set; }

        /// <summary>Delete Governance-locked backups anyway, every version (x-amz-bypass-governance-retention; needs s3:BypassGovernanceRetention). Compliance locks cannot be bypassed.</summary>
        [Parameter]
        public SwitchParameter BypassGovernanceRetention { get; set; }

        /// <summary>Outputs each backup removed.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private readonly List<BackupInfo> piped = new List<BackupInfo>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            // A malformed -Name is a bad argument whatever the destination: it stops the command.
            try { if (Name != null) foreach (var n in Name) BackupNamePattern.Parse(n); }
            catch (BqBackupException e) { Fail(e); }
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == NameSet)
            {
                var destination = DestinationFor(Destination);
                if (destination != null)
                    RemoveFrom(destination, null, listing => BackupRemoval.SelectByName(listing, Name, IncludeBunqueueBackups, destination, Report, WriteVerbose));
                return;
            }
            foreach (var backup in InputObject ?? new BackupInfo[0])
            {
                try
                {
                    RequirePiped(backup);
                    piped.Add(backup);
                }
                catch (BqBackupException e)
                {
                    Report(e);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == NameSet || piped.Count == 0) return;
            if (BucketName != null)
                Fail(new BqBackupException(ErrorIds.DestinationConflict, BqErrorCategory.InvalidArgument,
                    $"-BucketName '{BucketName}' was given with piped backups, which name their own destination.", BucketName,
                    "Leave out -BucketName and -KeyPrefix when piping backups."));
            // Piped backups of one store (the same destination reached with the same settings) are removed with one listing.
            foreach (var group in piped.GroupBy(b => (b.Destination, b.StoreSettings)))
            {
                string destination;
                try { destination = ResolveDestination(group.Key.Destination); }
                catch (BqBackupException e) { Report(e); continue; }
                RemoveFrom(destination, group.Key.StoreSettings, listing => BackupRemoval.SelectPiped(listing, group, IncludeBunqueueBackups, destination, Report));
            }
        }

        private void RemoveFrom(string destination, Storage.StoreSettings carried, System.Func<IReadOnlyList<BackupInfo>, IReadOnlyList<BackupInfo>> select)
        {
            try
            {
                using (var store = OpenStore(destination, createFolder: false, carried))
                {
                    var ctx = Context();
                    var listing = Guard(() => new BackupCatalog(store, destination).List(ctx));
                    var removal = new RemovalOptions { PurgeVersions = PurgeVersions, BypassGovernance = BypassGovernanceRetention };
                    var keepsVersions = Locking.BackupLocks.KeepsVersions(store, ctx);
                    var action = keepsVersions == true ? ExpiryEngine.DescribeRemoval(keepsVersions, removal) + ", and its sidecar" : "Remove backup and its sidecar";
                    if (BypassGovernanceRetention) action += ", bypassing a Governance lock";
                    foreach (var backup in select(listing))
                    {
                        if (!ShouldProcess($"{backup.Name} in {store.Location}", action)) continue;
                        try
                        {
                            Guard(() => ExpiryEngine.Remove(backup, store, ctx, removal));
                            if (PassThru) WriteObject(backup);
                        }
                        catch (BqBackupException e)
                        {
                            Report(e);
                        }
                    }
                }
            }
            catch (BqBackupException e)
            {
                // This destination (not found, unreachable, refused): nothing was removed there; the next input is still processed.
                Report(e);
            }
        }
    }
}
