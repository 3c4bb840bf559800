using System;
using System.Management.Automation;
using BqBackup.Backup;
using BqBackup.Codec;
using BqBackup.Storage;

namespace BqBackup.Commands
{
    /// <summary>Takes a consistent snapshot of a bunqueue database, compresses it and stores it.</summary>
    [Cmdlet(VerbsCommon.New, "BqBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(BackupInfo))]
    public sealed class NewBqBackupCommand : BqStoreCmdlet
    {
        /// <summary>bunqueue's database file; defaults to bunqueue's own BUNQUEUE_DATA_PATH (and its aliases).</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "DataPath")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; }

        /// <summary>A folder, or s3://bucket/prefix; defaults to s3://$S3_BUCKET/$S3_BACKUP_PREFIX.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string Destination { get; set; }

        [Parameter]
        public BqCompressionLevel CompressionLevel { get; set; } = BqCompressionLevel.Optimal;

        private string destination;
        private IBackupStore store;

        protected override void BeginProcessing()
        {
            try
            {
                destination = ResolveDestination(Destination);
            }
            catch (BqBackupException e)
            {
                Fail(e);
            }
        }

        protected override void ProcessRecord()
        {
            var paths = Path ?? new[] { DefaultDatabasePath() };
            foreach (var path in paths)
            {
                string fullPath;
                try { fullPath = ResolvePath(path); }
                catch (BqBackupException e) { Report(e); continue; }
                if (!ShouldProcess(fullPath, $"Back up to '{destination}'")) continue;
                // Opened only once there is something to do, so -WhatIf creates no folder.
                if (store == null)
                {
                    try { store = OpenStore(destination, createFolder: true); }
                    catch (BqBackupException e) { Fail(e); }
                }
                try
                {
                    var info = Guard(() => BackupEngine.RunAndRecord(fullPath, store, destination,
                        new BackupOptions { CompressionLevel = CompressionLevel }, Context()));
                    WriteObject(info);
                }
                catch (BqBackupException e)
                {
                    Report(e);
                }
            }
        }

        protected override void EndProcessing() => store?.Dispose();

        private string DefaultDatabasePath()
        {
            var fromEnv = Environment.First("BUNQUEUE_DATA_PATH", "BQ_DATA_PATH", "DATA_PATH", "SQLITE_PATH");
            if (fromEnv != null) return fromEnv;
            Fail(new BqBackupException(ErrorIds.DatabasePathRequired, BqErrorCategory.InvalidArgument,
                "No -Path was given and BUNQUEUE_DATA_PATH is not set.", null,
                "Pass -Path with bunqueue's database file (its --data-path), or set BUNQUEUE_DATA_PATH."));
            return null;
        }
    }
}
