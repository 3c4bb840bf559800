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

        protected S3Options S3Options()
        {
            var options = new S3Options
            {
                EndpointUrl = EndpointUrl,
                Region = Region,
                AccessKey = AccessKey ?? Credential?.UserName,
                SecretKey = SecretText(SecretKey) ?? Credential?.GetNetworkCredential().Password,
                SessionToken = SessionToken,
                ProfileName = ProfileName,
            };
            if (MyInvocation.BoundParameters.ContainsKey(nameof(ForcePathStyle))) options.ForcePathStyle = ForcePathStyle.IsPresent;
            return options;
        }

        private static string SecretText(object secret)
        {
            switch (secret is PSObject pso ? pso.BaseObject : secret)
            {
                case null: return null;
                case string s: return s;
                case System.Security.SecureString secure: return new System.Net.NetworkCredential(string.Empty, secure).Password;
                default:
                    throw new PSArgumentException("-SecretKey takes a string or a SecureString.", nameof(SecretKey));
            }
        }
    }
}
