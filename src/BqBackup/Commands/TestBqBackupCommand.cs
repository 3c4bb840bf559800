using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using BqBackup.Catalog;
using BqBackup.Restore;

namespace BqBackup.Commands
{
    /// <summary>
    /// Proves a backup restores: fetches it into a private temp folder, verifies its checksum,
    /// runs integrity_check and checks it is a bunqueue database, without touching anything live.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "BqBackup", DefaultParameterSetName = InputSet, HelpUri = HelpLinks.TestBqBackup)]
    [OutputType(typeof(BackupTestResult))]
    public sealed class TestBqBackupCommand : BqFetchCmdlet
    {
        private const string InputSet = "InputObject";
        private const string NameSet = "Name";
        private const string LatestSet = "Latest";
        private const string AtSet = "At";
        private const string AllSet = "All";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
        [Binding.PipedBackupRow]
        public BackupInfo InputObject { get; set; }

        [Parameter(Position = 0, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 0, ParameterSetName = LatestSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 0, ParameterSetName = AtSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 0, ParameterSetName = AllSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string Destination { get; set; }

        /// <summary>Backup names; wildcards allowed.</summary>
        [Parameter(Mandatory = true, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(Completion.BackupNameCompleter))]
        public string[] Name { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = LatestSet)]
        public SwitchParameter Latest { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = AtSet)]
        public DateTime At { get; set; }

        /// <summary>Test every backup in the destination.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AllSet)]
        public SwitchParameter All { get; set; }

        private Encryption.BackupDecryption decryption;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try
            {
                // A malformed -Name typed on the command line is a bad argument; one from a piped row is that row's error.
                if (MyInvocation.BoundParameters.ContainsKey(nameof(Name))) foreach (var n in Name) BackupNamePattern.Parse(n);
                decryption = ResolveDecryption();
            }
            catch (BqBackupException e)
            {
                Fail(e);
            }
        }

        protected override void EndProcessing() => decryption?.Dispose();

        /// <summary>Each piped backup, destination and backup is tested on its own: a failure is reported for it and the next is still tested.</summary>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == InputSet)
            {
                if (InputObject == null) return;
                try
                {
                    var (backup, store) = OpenPiped(RequirePiped(InputObject));
                    using (store)
                        WriteObject(Guard(() => BackupVerifier.Test(backup, store, Context(), maxSize: MaxSize, decryption: decryption, integrityCheck: IntegrityCheck)));
                }
                catch (BqBackupException e)
                {
                    Report(e);
                }
                return;
            }

            var destination = DestinationFor(Destination);
            if (destination == null) return;
            try
            {
                using (var store = OpenStore(destination, createFolder: false))
                {
                    var ctx = Context();
                    var backups = Guard(() => new BackupCatalog(store, destination).List(ctx));
                    foreach (var backup in Select(backups, destination))
                    {
                        try { WriteObject(Guard(() => BackupVerifier.Test(backup, store, ctx, maxSize: MaxSize, decryption: decryption, integrityCheck: IntegrityCheck))); }
                        catch (BqBackupException e) { Report(e); }
                    }
                }
            }
            catch (BqBackupException e)
            {
                Report(e);
            }
        }

        private IEnumerable<BackupInfo> Select(IReadOnlyList<BackupInfo> backups, string destination)
        {
            switch (ParameterSetName)
            {
                case AllSet:
                    return backups;
                case NameSet:
                    return BackupCatalog.Find(backups, Name, destination, Report);
                default:
                    return new[] { PickBackup(backups, ParameterSetName == AtSet ? At : (DateTime?)null, destination) };
            }
        }
    }
}
