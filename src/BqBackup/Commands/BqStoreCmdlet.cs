using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using BqBackup.Catalog;
using BqBackup.Retention;
using BqBackup.Storage;

namespace BqBackup.Commands
{
    /// <summary>Cmdlets that work on a destination: a folder, or an S3 bucket and the settings to reach it.</summary>
    public abstract class BqStoreCmdlet : BqCmdlet
    {
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
        public string Region { get; set; }

        [Parameter]
        public string AccessKey { get; set; }

        /// <summary>A string or a SecureString.</summary>
        [Parameter]
        public object SecretKey { get; set; }

        [Parameter]
        [Credential]
        public PSCredential Credential { get; set; }

        [Parameter]
        public string SessionToken { get; set; }

        [Parameter]
        public string ProfileName { get; set; }

        [Parameter]
        public SwitchParameter ForcePathStyle { get; set; }

        protected IBackupStore OpenStore(string resolvedDestination, bool createFolder)
        {
            var store = BackupStores.Open(resolvedDestination, S3Options(), Environment, createFolder);
            if (store is Storage.S3.S3Store s3) WriteVerbose($"S3 store {s3.Location}: {s3.Settings}.");
            return store;
        }

        /// <summary>The S3 settings given on the command line.</summary>
        protected S3Options S3Options() => Binding.S3OptionsBuilder.From(MyInvocation.BoundParameters);
    }
}
