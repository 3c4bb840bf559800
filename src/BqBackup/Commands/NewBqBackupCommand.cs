using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using BqBackup.Backup;
using BqBackup.Codec;
using BqBackup.Storage;

namespace BqBackup.Commands
{
    /// <summary>Takes a consistent snapshot of a bunqueue database, compresses it and stores it.</summary>
    [Cmdlet(VerbsCommon.New, "BqBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet,
        HelpUri = HelpLinks.NewBqBackup)]
    [OutputType(typeof(BackupInfo))]
    public sealed class NewBqBackupCommand : BqStoreCmdlet
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";

        /// <summary>bunqueue's database file, wildcards expanded; defaults to bunqueue's own BUNQUEUE_DATA_PATH (and its aliases).</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [Alias("DataPath")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; }

        /// <summary>bunqueue's database file, taken exactly as written (no wildcards); what Get-ChildItem pipes.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "LP", "FullName")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; }

        /// <summary>
        /// Folders, or s3://bucket/prefix; defaults to s3://$S3_BUCKET/$S3_BACKUP_PREFIX. Several:
        /// one snapshot and one compression pass, written to all of them at once.
        /// </summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string[] Destination { get; set; }

        [Parameter]
        public BqCompressionLevel CompressionLevel { get; set; } = BqCompressionLevel.Optimal;

        /// <summary>Gzip (default; bunqueue's restore reads it) or Zstd (…db.zst; faster, smaller, not readable by bunqueue); default BQBACKUP_COMPRESSION.</summary>
        [Parameter]
        public BqCompression Compression { get; set; } = BqCompression.Gzip;

        /// <summary>Encrypt with age to these public keys (age1…); default BQBACKUP_AGE_RECIPIENTS.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] Recipient { get; set; }

        /// <summary>age recipients files (one age1… a line); default BQBACKUP_AGE_RECIPIENTS_FILE.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] RecipientFile { get; set; }

        /// <summary>Encrypt with age to a passphrase (scrypt) instead of recipients.</summary>
        [Parameter]
        public System.Security.SecureString Passphrase { get; set; }

        /// <summary>Leave the plaintext checksum and the row counts out of an encrypted backup's sidecar.</summary>
        [Parameter]
        public SwitchParameter MinimalMetadata { get; set; }

        /// <summary>Lock body and sidecar with S3 Object Lock in this mode (needs -LockDays or -LockUntil); default BQBACKUP_LOCK_MODE.</summary>
        [Parameter]
        public Locking.ObjectLockMode LockMode { get; set; }

        /// <summary>Days each backup stays locked, counted from when it is taken; default BQBACKUP_LOCK_DAYS.</summary>
        [Parameter]
        public int LockDays { get; set; }

        /// <summary>The date every backup of this run stays locked until.</summary>
        [Parameter]
        public DateTime LockUntil { get; set; }

        // One store per destination, opened on first use and kept for the records that follow.
        private readonly Dictionary<string, IBackupStore> stores = new Dictionary<string, IBackupStore>(StringComparer.Ordinal);
        private BackupOptions options;

        /// <summary>How every record is stored (compression, age encryption): decided once, a bad key stops before any backup.</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try
            {
                options = new BackupOptions
                {
                    CompressionLevel = CompressionLevel,
                    Compression = CompressionSetting.Resolve(MyInvocation.BoundParameters.ContainsKey(nameof(Compression)) ? Compression : (BqCompression?)null, Environment),
                    MinimalMetadata = MinimalMetadata,
                    Encryption = Encryption.BackupEncryption.Resolve(Recipient, RecipientFile?.Select(ResolvePath), Passphrase, Environment),
                    ObjectLock = Locking.ObjectLockOptions.Resolve(Bound<Locking.ObjectLockMode>(nameof(LockMode)), Bound<int>(nameof(LockDays)),
                        Bound<DateTime>(nameof(LockUntil)), Environment, DateTime.UtcNow),
                };
                if (options.ObjectLock != null) WriteVerbose($"Locking every backup {options.ObjectLock.Describe()}.");
                options.Validate();
                if (options.Compression != BqCompression.Gzip) WriteVerbose($"Compressing with {options.Compression} (level {ZstdLevelText()}): bunqueue's own restore cannot read these backups; Restore-BqBackup and zstd -d can.");
                if (options.Encryption != null) WriteVerbose($"Encrypting with age to {options.Encryption.Describe()}.");
            }
            catch (BqBackupException e)
            {
                options?.Encryption?.Dispose();
                Fail(e);
            }
        }

        private T? Bound<T>(string name) where T : struct =>
            MyInvocation.BoundParameters.TryGetValue(name, out var value) ? (T)value : (T?)null;
        private string ZstdLevelText() => $"{CompressionLevel}, zstd {CompressionSetting.ZstdLevel(CompressionLevel)}";

        protected override void ProcessRecord()
        {
            // The destinations are resolved for each record: Import-Csv rows may each name their own.
            var destinations = DestinationsFor(Destination);
            if (destinations.Count == 0) return;
            foreach (var fullPath in DatabasePaths())
            {
                if (!ShouldProcess(fullPath, $"Back up to '{string.Join("', '", destinations)}'{(options.ObjectLock != null ? ", locked " + options.ObjectLock.Describe() : "")}")) continue;
                var targets = new List<BackupTarget>();
                foreach (var destination in destinations)
                {
                    try
                    {
                        // Opened only once there is something to do, so -WhatIf creates no folder.
                        if (!stores.TryGetValue(destination, out var store))
                            stores[destination] = store = OpenStore(destination, createFolder: true);
                        targets.Add(new BackupTarget(store, destination));
                    }
                    catch (BqBackupException e)
                    {
                        Report(e);
                    }
                }
                if (targets.Count == 0) continue;
                try
                {
                    // One BackupInfo per destination that committed, one error per destination that did not.
                    foreach (var outcome in Guard(() => BackupEngine.RunAndRecord(fullPath, targets, options, Context())))
                    {
                        if (outcome.Backup != null) WriteObject(outcome.Backup);
                        if (outcome.Error != null) Report(outcome.Error);
                    }
                }
                catch (BqBackupException e)
                {
                    Report(e);
                }
            }
        }

        protected override void EndProcessing()
        {
            foreach (var store in stores.Values) store.Dispose();
            stores.Clear();
            options?.Encryption?.Dispose();
        }

        /// <summary>
        /// The database files of this record, as full paths: -LiteralPath as written, -Path with its
        /// wildcards expanded by the provider (one that matches nothing is DatabaseNotFound, naming
        /// it), without either bunqueue's BUNQUEUE_DATA_PATH.
        /// </summary>
        private IEnumerable<string> DatabasePaths()
        {
            var result = new List<string>();
            if (ParameterSetName == LiteralPathSet)
            {
                foreach (var path in LiteralPath) AddLiteral(result, path);
                return result;
            }
            if (Path == null)
            {
                AddLiteral(result, DefaultDatabasePath());
                return result;
            }
            foreach (var path in Path)
            {
                if (!WildcardPattern.ContainsWildcardCharacters(path))
                {
                    AddLiteral(result, path);
                    continue;
                }
                try
                {
                    var matches = GetResolvedProviderPathFromPSPath(path, out var provider);
                    if (provider.Name != "FileSystem") Report(NoDatabase(path, $"'{path}' names items of the {provider.Name} provider, not files."));
                    else if (matches.Count == 0) Report(NoDatabase(path, $"No database file matches '{path}'."));
                    else result.AddRange(matches);
                }
                catch (WildcardPatternException)
                {
                    // 'queue-[.db': a pattern the provider cannot read; -LiteralPath takes such a name as it is.
                    Report(NoDatabase(path, $"'{path}' is not a valid wildcard pattern (use -LiteralPath for a name with [ or ])."));
                }
                catch (Exception e) when (e is SessionStateException || e is ArgumentException || e is NotSupportedException || e is PSInvalidOperationException)
                {
                    Report(NoDatabase(path, $"No database file matches '{path}'."));
                }
            }
            return result;
        }

        private void AddLiteral(List<string> paths, string path)
        {
            // ResolvePath turns what PowerShell cannot read as a path into InvalidPath.
            try { paths.Add(ResolvePath(path)); }
            catch (BqBackupException e) { Report(e); }
        }

        private static BqBackupException NoDatabase(string path, string message) =>
            new BqBackupException(ErrorIds.DatabaseNotFound, BqErrorCategory.ObjectNotFound, message, path,
                "Check -Path: it names bunqueue's SQLite file (bunqueue's --data-path, or BUNQUEUE_DATA_PATH); use -LiteralPath for a name with [ ] * ? in it.");

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
