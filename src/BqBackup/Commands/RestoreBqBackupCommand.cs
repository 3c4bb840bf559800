using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using BqBackup.Catalog;
using BqBackup.Restore;

namespace BqBackup.Commands
{
    /// <summary>
    /// Replaces a bunqueue database with a verified backup, keeping the old files aside. Takes one
    /// backup from the pipeline, or picks one in -Destination by -Name, -Latest or -At.
    /// </summary>
    [Cmdlet(VerbsData.Restore, "BqBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = InputSet)]
    [OutputType(typeof(RestoreResult))]
    public sealed class RestoreBqBackupCommand : BqStoreCmdlet
    {
        private const string InputSet = "InputObject";
        private const string NameSet = "Name";
        private const string LatestSet = "Latest";
        private const string AtSet = "At";

        /// <summary>The database file to replace (bunqueue's --data-path); bunqueue must be stopped.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("DataPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
        public BackupInfo InputObject { get; set; }

        [Parameter(ParameterSetName = NameSet)]
        [Parameter(ParameterSetName = LatestSet)]
        [Parameter(ParameterSetName = AtSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string Destination { get; set; }

        /// <summary>The backup's name; a wildcard must match exactly one backup.</summary>
        [Parameter(Mandatory = true, ParameterSetName = NameSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(Completion.BackupNameCompleter))]
        public string Name { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = LatestSet)]
        public SwitchParameter Latest { get; set; }

        /// <summary>Restore the newest backup taken at or before this time.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AtSet)]
        public DateTime At { get; set; }

        /// <summary>Restore although the database is open elsewhere, the backup is not bunqueue's, or its metadata is missing.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>age identity files (AGE-SECRET-KEY-1…) that open an encrypted backup; default BQBACKUP_AGE_IDENTITY_FILE.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] IdentityFile { get; set; }

        /// <summary>The passphrase of a backup encrypted with -Passphrase.</summary>
        [Parameter]
        public System.Security.SecureString Passphrase { get; set; }

        /// <summary>The most the backup may decompress to (default 64 GiB); its sidecar's size bounds it as well.</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long MaxSize { get; set; } = BackupFetch.DefaultMaxSize;

        private readonly List<BackupInfo> piped = new List<BackupInfo>();

        protected override void ProcessRecord()
        {
            if (ParameterSetName == InputSet && InputObject != null) piped.Add(InputObject);
        }

        protected override void EndProcessing()
        {
            string target;
            try
            {
                target = RestoreEngine.ValidateTarget(ResolvePath(Path));
            }
            catch (BqBackupException e)
            {
                Fail(e);
                return;
            }

            if (ParameterSetName == InputSet)
            {
                if (piped.Count == 0) return;
                if (piped.Count > 1)
                    Fail(new BqBackupException(ErrorIds.MultipleBackupsForOneTarget, BqErrorCategory.InvalidArgument,
                        $"{piped.Count} backups were piped to one restore of '{target}'; nothing was restored.", piped.Count,
                        "Pipe exactly one backup: Get-BqBackup -Destination <d> -Latest (or -Name, -At), or Select-Object -First 1."));
            }

            try
            {
                var destination = ParameterSetName == InputSet ? piped[0].Destination : ResolveDestination(Destination);
                using (var store = OpenStore(destination, createFolder: false))
                {
                    var ctx = Context();
                    var backup = ParameterSetName == InputSet ? piped[0] : Pick(store, destination, ctx);
                    RestoreEngine.CheckOutsideStore(target, store);
                    var description = RestoreEngine.Describe(backup, target, DateTime.UtcNow);
                    if (!ShouldProcess(description, description + " Continue?", "Restore-BqBackup")) return;
                    using (var decryption = Encryption.BackupDecryption.Resolve(IdentityFile?.Select(ResolvePath), Passphrase, Environment))
                    {
                        if (decryption != null) WriteVerbose($"Decrypting with {decryption.Describe()}.");
                        var result = Guard(() => RestoreEngine.Run(backup, store, target, new RestoreOptions { Force = Force, MaxSize = MaxSize, Decryption = decryption }, ctx));
                        WriteObject(result);
                    }
                }
            }
            catch (BqBackupException e)
            {
                Fail(e);
            }
        }

        private BackupInfo Pick(Storage.IBackupStore store, string destination, OperationContext ctx)
        {
            var backups = Guard(() => new BackupCatalog(store, destination).List(ctx));
            if (ParameterSetName == NameSet) return BackupCatalog.FindOne(backups, Name, destination);
            return PickBackup(backups, ParameterSetName == AtSet ? At : (DateTime?)null, destination);
        }
    }
}
