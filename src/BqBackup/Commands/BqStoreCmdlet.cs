using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using BqBackup.Catalog;
using BqBackup.Storage;

namespace BqBackup.Commands
{
    /// <summary>
    /// Cmdlets that work on a destination: a folder, or an S3 bucket and the settings to reach it.
    /// Errors follow one rule: what is wrong with the parameters as a whole (a combination that
    /// cannot be, a bad S3 parameter, a malformed pattern) stops the command (ThrowTerminatingError);
    /// what goes wrong for one input (a destination, a backup, a database path) is reported for it
    /// (WriteError, honouring -ErrorAction) and the next input is still processed.
    /// </summary>
    public abstract class BqStoreCmdlet : BqCmdlet
    {
        /// <summary>Only the module's own cmdlets derive from this.</summary>
        internal BqStoreCmdlet() { }

        /// <summary>The backup a -Latest or -At asks for (<paramref name="at"/> null: the newest), saying which was picked for -At.</summary>
        protected BackupInfo PickBackup(IEnumerable<BackupInfo> newestFirst, DateTime? at, string destination)
        {
            var all = newestFirst as IReadOnlyCollection<BackupInfo> ?? newestFirst.ToList();
            var picked = BackupCatalog.PickAtOrFail(all, at, destination);
            var utcAt = at?.ToUniversalTime();
            var skipped = all.Count(b => b.TimestampInFuture && (!utcAt.HasValue || b.Timestamp <= utcAt.Value));
            if (skipped > 0)
                WriteWarning($"Passed over {skipped} backup(s) stamped in the future (Status FutureTimestamp: clock skew); -Latest and -At never pick them.");
            if (at.HasValue)
            {
                var utc = at.Value.ToUniversalTime();
                WriteVerbose($"Picked '{picked.Name}', taken {picked.Timestamp:yyyy-MM-dd HH:mm:ss} UTC: {FormatAge(utc - picked.Timestamp)} before {utc:yyyy-MM-dd HH:mm:ss} UTC.");
            }
            return picked;
        }

        internal static string FormatAge(TimeSpan age) =>
            age.TotalDays >= 1 ? $"{age.TotalDays:F1} days" : age.TotalHours >= 1 ? $"{age.TotalHours:F1} hours" : $"{age.TotalMinutes:F0} minutes";

        [Parameter]
        public string EndpointUrl { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(Completion.RegionCompleter))]
        public string Region { get; set; }

        [Parameter]
        [Alias("AK")]
        public string AccessKey { get; set; }

        /// <summary>A string or a SecureString.</summary>
        [Parameter]
        [Alias("SK", "SecretAccessKey")]
        [Binding.SecretText]
        public string SecretKey { get; set; }

        /// <summary>A PSCredential or an Amazon.Runtime.AWSCredentials.</summary>
        [Parameter]
        [Binding.S3Credential]
        public object Credential { get; set; }

        [Parameter]
        [Alias("ST")]
        [Binding.SecretText]
        public string SessionToken { get; set; }

        [Parameter]
        [Alias("StoredCredentials", "AWSProfileName")]
        [ArgumentCompleter(typeof(Completion.ProfileNameCompleter))]
        public string ProfileName { get; set; }

        /// <summary>The shared credentials file -ProfileName is read from.</summary>
        [Parameter]
        [Alias("AWSProfilesLocation", "ProfilesLocation")]
        public string ProfileLocation { get; set; }

        /// <summary>$true: path-style addressing; $false: virtual-hosted style; as AWS.Tools takes it.</summary>
        [Parameter]
        [Alias("ForcePathStyle")]
        public bool ForcePathStyleAddressing { get; set; }

        /// <summary>AWS.Tools' way to name the destination: -BucketName b -KeyPrefix p/ is -Destination s3://b/p/; both bind from piped objects by property name, as -Destination does.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string BucketName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string KeyPrefix { get; set; }

        /// <summary>
        /// The non-secret settings of the store a piped object was read from (a BackupInfo's
        /// StoreSettings, or that column of its CSV or JSON export), bound by property name so that
        /// -Destination taken from the same object reopens the same store. Not for typing.
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public object StoreSettings { get; set; }

        private S3Options given;

        /// <summary>The S3 parameters are checked once, before any input: a bad one stops the command.</summary>
        protected override void BeginProcessing()
        {
            try
            {
                given = Binding.S3OptionsBuilder.From(MyInvocation.BoundParameters);
                if (given.ProfileLocation != null) given.ProfileLocation = ResolvePath(given.ProfileLocation);
                Storage.S3.S3ClientFactory.CheckOptions(given);
            }
            catch (BqBackupException e)
            {
                Fail(e);
            }
        }

        /// <summary>
        /// The destination of one input, resolved (s3:// verbatim, folders made absolute), from
        /// -Destination or -BucketName/-KeyPrefix or bunqueue's S3_BUCKET. Naming it twice or not at
        /// all stops the command; a destination that is no folder or S3 URL is reported for this
        /// input (null returned).
        /// </summary>
        protected string DestinationFor(string destination)
        {
            string named = null;
            try
            {
                named = BackupStores.ResolveDestination(BackupStores.DestinationOf(destination, BucketName, KeyPrefix), Environment);
            }
            catch (BqBackupException e)
            {
                Fail(e);
            }
            try
            {
                return ResolveDestination(named);
            }
            catch (BqBackupException e)
            {
                Report(e);
                return null;
            }
        }

        /// <summary>
        /// Every destination of one input, resolved as <see cref="DestinationFor"/> does (none given:
        /// the one from -BucketName or S3_BUCKET). One that is no folder or S3 URL is reported and
        /// left out; one named twice stops the command (DestinationConflict).
        /// </summary>
        protected IReadOnlyList<string> DestinationsFor(string[] destinations)
        {
            var resolved = new List<string>();
            foreach (var given in destinations ?? new string[] { null })
            {
                var destination = DestinationFor(given);
                if (destination == null) continue;
                if (resolved.Contains(destination, StringComparer.Ordinal))
                    Fail(new BqBackupException(ErrorIds.DestinationConflict, BqErrorCategory.InvalidArgument,
                        $"The destination '{UrlRedaction.Redact(destination)}' is named twice.", UrlRedaction.Redact(destination),
                        "Name each destination once."));
                resolved.Add(destination);
            }
            return resolved;
        }

        /// <summary>Opens a store with the S3 parameters given, the settings a piped backup carries filling the rest.</summary>
        protected IBackupStore OpenStore(string resolvedDestination, bool createFolder, StoreSettings carried = null)
        {
            var store = BackupStores.Open(resolvedDestination, S3Options().Over(carried ?? Binding.CarriedStoreSettings.From(StoreSettings)), Environment, createFolder);
            if (store is Storage.S3.S3Store s3) WriteVerbose($"S3 store {s3.Location}: {s3.Settings}.");
            return store;
        }

        /// <summary>The S3 settings given on the command line.</summary>
        protected S3Options S3Options() => (given ?? Binding.S3OptionsBuilder.From(MyInvocation.BoundParameters)).Over(null);

        /// <summary>
        /// A piped backup checked as it arrives: InputObjectIncomplete naming a missing Name or
        /// Destination; a row of an export (which brings its StoreSettings column to -StoreSettings
        /// by property name) gets those settings, InvalidStoreSettings for that row if they are not.
        /// </summary>
        protected BackupInfo RequirePiped(BackupInfo piped)
        {
            PipedBackup.RequireComplete(piped, MyInvocation.MyCommand.Name);
            if (piped.StoreSettings == null) piped.StoreSettings = Binding.CarriedStoreSettings.From(StoreSettings);
            return piped;
        }

        /// <summary>A piped backup as the store holds it: InputObjectIncomplete for an object without Name or Destination; a converted one looked up by name.</summary>
        protected (BackupInfo backup, IBackupStore store) OpenPiped(BackupInfo piped)
        {
            if (BucketName != null)
                Fail(new BqBackupException(ErrorIds.DestinationConflict, BqErrorCategory.InvalidArgument,
                    $"-BucketName '{BucketName}' was given with a piped backup, which names its own destination.", BucketName,
                    "Leave out -BucketName and -KeyPrefix when piping backups."));
            PipedBackup.RequireComplete(piped, MyInvocation.MyCommand.Name);
            var destination = ResolveDestination(piped.Destination);
            var store = OpenStore(destination, createFolder: false, piped.StoreSettings);
            try
            {
                return (Guard(() => PipedBackup.Current(piped, store, destination, Context())), store);
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }
    }
}
