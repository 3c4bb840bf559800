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
    [Cmdlet(VerbsData.Restore, "BqBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet,
        HelpUri = HelpLinks.RestoreBqBackup)]
    [OutputType(typeof(RestoreResult))]
    public sealed class RestoreBqBackupCommand : BqFetchCmdlet
    {
        private const string InputSet = "InputObject";
        private const string NameSet = "Name";
        private const string LatestSet = "Latest";
        private const string AtSet = "At";

        /// <summary>The database file to replace (bunqueue's --data-path); bunqueue must be stopped.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("DataPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
        [Binding.PipedBackupRow]
        public BackupInfo InputObject { get; set; }

        [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = LatestSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = AtSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string Destination { get; set; }

        /// <summary>The backup's name; a wildcard must match exactly one backup.</summary>
        [Parameter(Mandatory = true, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(Completion.BackupNameCompleter))]
        public string Name { get; set; }

        /// <summary>
        /// The store version of the backup named by -Name (a VersionId that Get-BqBackup -IncludeDeleted
        /// listed, e.g. from an Import-Csv row): that version is read, also when a delete marker hides it.
        /// </summary>
        // No ValidateNotNullOrEmpty: a piped backup's empty VersionId (a current version) must not stop its binding by value.
        [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
        public string VersionId { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = LatestSet)]
        public SwitchParameter Latest { get; set; }

        /// <summary>Restore the newest backup taken at or before this time.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AtSet)]
        public DateTime At { get; set; }

        /// <summary>Restore although the database is open elsewhere, the backup is not bunqueue's, or its metadata is missing.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>One restore asked for: by a piped backup, or by a destination and -Name, -Latest or -At (each may come from a piped row).</summary>
        private sealed class Request
        {
            public string Target;
            public BackupInfo Piped;
            public string Destination;
            public string Name;
            public Storage.StoreSettings Carried;
        }

        private readonly List<Request> requests = new List<Request>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            // A malformed -Name typed on the command line is a bad argument; one from a piped row is that row's error.
            try { if (MyInvocation.BoundParameters.ContainsKey(nameof(Name))) BackupNamePattern.Parse(Name); }
            catch (BqBackupException e) { Fail(e); }
        }

        /// <summary>Collects the restores; none runs before every input is known, so two backups for one target are refused before anything is touched.</summary>
        protected override void ProcessRecord()
        {
            string target;
            try
            {
                target = RestoreEngine.ValidateTarget(ResolvePath(Path));
            }
            catch (BqBackupException e)
            {
                Report(e);
                return;
            }
            if (ParameterSetName == InputSet)
            {
                if (InputObject == null) return;
                try { RequirePiped(InputObject); }
                catch (BqBackupException e) { Report(e); return; }
                requests.Add(new Request { Target = target, Piped = InputObject });
                return;
            }
            var destination = DestinationFor(Destination);
            if (destination == null) return;
            Storage.StoreSettings carried;
            try { carried = Binding.CarriedStoreSettings.From(StoreSettings); }
            catch (BqBackupException e) { Report(e); return; }
            // One version of one backup is found as a piped backup of that name and version is.
            if (!string.IsNullOrEmpty(VersionId))
                requests.Add(new Request { Target = target, Piped = new BackupInfo { Name = Name, Destination = destination, VersionId = VersionId, StoreSettings = carried } });
            else
                requests.Add(new Request { Target = target, Destination = destination, Name = Name, Carried = carried });
        }

        protected override void EndProcessing()
        {
            foreach (var group in requests.GroupBy(r => r.Target, StringComparer.Ordinal).Where(g => g.Count() > 1))
                Fail(new BqBackupException(ErrorIds.MultipleBackupsForOneTarget, BqErrorCategory.InvalidArgument,
                    $"{group.Count()} backups were piped to one restore of '{group.Key}'; nothing was restored.", group.Count(),
                    "Pipe exactly one backup: Get-BqBackup -Destination <d> -Latest (or -Name, -At), or Select-Object -First 1."));
            foreach (var request in requests) Run(request);
        }

        /// <summary>One restore; its failure is reported for it and the other targets are still restored.</summary>
        private void Run(Request request)
        {
            try
            {
                var (backup, store) = request.Piped != null ? OpenPiped(request.Piped) : (null, OpenStore(request.Destination, createFolder: false, request.Carried));
                using (store)
                {
                    var ctx = Context();
                    backup = backup ?? Pick(store, request, ctx);
                    RestoreEngine.CheckOutsideStore(request.Target, store);
                    var description = RestoreEngine.Describe(backup, request.Target, DateTime.UtcNow);
                    if (!ShouldProcess(description, description + " Continue?", "Restore-BqBackup")) return;
                    using (var decryption = ResolveDecryption())
                    {
                        var result = Guard(() => RestoreEngine.Run(backup, store, request.Target, new RestoreOptions { Force = Force, MaxSize = MaxSize, Decryption = decryption, IntegrityCheck = IntegrityCheck }, ctx));
                        WriteObject(result);
                    }
                }
            }
            catch (BqBackupException e)
            {
                Report(e);
            }
        }

        private BackupInfo Pick(Storage.IBackupStore store, Request request, OperationContext ctx)
        {
            var backups = Guard(() => new BackupCatalog(store, request.Destination).List(ctx));
            if (ParameterSetName == NameSet) return BackupCatalog.FindOne(backups, request.Name, request.Destination);
            return PickBackup(backups, ParameterSetName == AtSet ? At : (DateTime?)null, request.Destination);
        }
    }
}
