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
        public BackupInfo[] InputObject { get; set; }

        [Parameter]
        public SwitchParameter IncludeBunqueueBackups { get; set; }

        /// <summary>Outputs each backup removed.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private readonly List<BackupInfo> piped = new List<BackupInfo>();

        protected override void ProcessRecord()
        {
            if (InputObject != null) piped.AddRange(InputObject.Where(b => b != null));
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == NameSet)
            {
                string destination;
                try { destination = ResolveDestination(Destination); }
                catch (BqBackupException e) { Fail(e); return; }
                RemoveFrom(destination, listing => BackupRemoval.SelectByName(listing, Name, IncludeBunqueueBackups, destination, Report, WriteVerbose));
                return;
            }
            foreach (var group in piped.GroupBy(b => b.Destination))
                RemoveFrom(group.Key, listing => BackupRemoval.SelectPiped(listing, group, IncludeBunqueueBackups, group.Key, Report));
        }

        private void RemoveFrom(string destination, System.Func<IReadOnlyList<BackupInfo>, IReadOnlyList<BackupInfo>> select)
        {
            try
            {
                using (var store = OpenStore(destination, createFolder: false))
                {
                    var ctx = Context();
                    var listing = Guard(() => new BackupCatalog(store, destination).List(ctx));
                    foreach (var backup in select(listing))
                    {
                        if (!ShouldProcess($"{backup.Name} in {store.Location}", "Remove backup and its sidecar")) continue;
                        try
                        {
                            Guard(() => { ExpiryEngine.Remove(backup, store, ctx); return true; });
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
                // The destination itself (not found, unreachable, refused): nothing could be removed there.
                Fail(e);
            }
        }
    }
}
