using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using BqBackup.Catalog;
using BqBackup.Retention;
using BqBackup.Storage;

namespace BqBackup.Commands
{
    /// <summary>
    /// What every BqBackup cmdlet shares: Ctrl-C cancels the engine, the engine's progress,
    /// verbose and warning messages reach PowerShell's streams, and engine errors become
    /// ErrorRecords whose ErrorId is the engine's stable id.
    /// </summary>
    public abstract class BqCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource cancellation = new CancellationTokenSource();
        private readonly Dictionary<string, (Stopwatch clock, TimeSpan last, long firstCompleted)> progressClocks = new Dictionary<string, (Stopwatch, TimeSpan, long)>();
        private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

        protected CancellationToken Cancellation => cancellation.Token;

        protected override void StopProcessing() => cancellation.Cancel();

        public void Dispose() => cancellation.Dispose();

        protected OperationContext Context() => new OperationContext
        {
            Cancellation = cancellation.Token,
            Verbose = WriteVerbose,
            Warning = WriteWarning,
            Progress = ReportProgress,
        };

        private void ReportProgress(BqProgress p)
        {
            var id = Math.Abs(p.Activity.GetHashCode() % 1000) + 1;
            if (p.IsComplete)
            {
                progressClocks.Remove(p.Activity);
                WriteProgress(new ProgressRecord(id, p.Activity, "Done") { RecordType = ProgressRecordType.Completed });
                return;
            }
            // The rate counts from the first report, against the bytes done since then: the first
            // report of a step can come when it is already under way.
            if (!progressClocks.TryGetValue(p.Activity, out var state)) state = (Stopwatch.StartNew(), TimeSpan.MinValue, p.Completed);
            if (state.last != TimeSpan.MinValue && state.clock.Elapsed - state.last < ProgressInterval) return;
            var elapsed = state.clock.Elapsed;
            progressClocks[p.Activity] = (state.clock, elapsed, state.firstCompleted);

            var rate = ProgressText.Rate(p.Completed - state.firstCompleted, elapsed);
            var record = new ProgressRecord(id, p.Activity, ProgressText.Describe(p.Status, p.Completed, p.Total, rate))
            {
                PercentComplete = ProgressText.PercentComplete(p.Completed, p.Total),
                SecondsRemaining = ProgressText.SecondsRemaining(p.Completed, p.Total, rate),
            };
            WriteProgress(record);
        }

        /// <summary>
        /// The retention rules given on the command line (-RetentionDays, -KeepLast, -KeepHourly …
        /// -KeepYearly, by those names): a rule left out is no rule, not a rule of 0.
        /// </summary>
        protected RetentionPolicy BoundRetentionRules()
        {
            int? Rule(string name) => MyInvocation.BoundParameters.TryGetValue(name, out var value) ? (int?)(int)value : null;
            return new RetentionPolicy
            {
                RetentionDays = Rule(nameof(RetentionPolicy.RetentionDays)),
                KeepLast = Rule(nameof(RetentionPolicy.KeepLast)),
                KeepHourly = Rule(nameof(RetentionPolicy.KeepHourly)),
                KeepDaily = Rule(nameof(RetentionPolicy.KeepDaily)),
                KeepWeekly = Rule(nameof(RetentionPolicy.KeepWeekly)),
                KeepMonthly = Rule(nameof(RetentionPolicy.KeepMonthly)),
                KeepYearly = Rule(nameof(RetentionPolicy.KeepYearly)),
            };
        }

        protected ErrorRecord ToErrorRecord(BqBackupException e)
        {
            if (!Enum.TryParse(e.Category.ToString(), out ErrorCategory category)) category = ErrorCategory.NotSpecified;
            return new ErrorRecord(e, e.ErrorId, category, e.TargetObject)
            {
                ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = e.RecommendedAction },
            };
        }

        protected void Fail(BqBackupException e) => ThrowTerminatingError(ToErrorRecord(e));

        protected void Report(BqBackupException e) => WriteError(ToErrorRecord(e));

        /// <summary>A path as PowerShell understands it (relative to $PWD, ~, PSDrives) made absolute.</summary>
        protected string ResolvePath(string path) => GetUnresolvedProviderPathFromPSPath(path);

        /// <summary>Runs engine work, turning Ctrl-C into the pipeline stopping as PowerShell expects.</summary>
        protected T Guard<T>(Func<T> work)
        {
            try
            {
                return work();
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }
    }

    /// <summary>Cmdlets that work on a destination: a folder, or an S3 bucket and the settings to reach it.</summary>
    public abstract class BqStoreCmdlet : BqCmdlet
    {
        /// <summary>The backup a -Latest or -At asks for (<paramref name="at"/> null: the newest), saying which was picked for -At.</summary>
        protected BackupInfo PickBackup(IEnumerable<BackupInfo> newestFirst, DateTime? at, string destination)
        {
            var picked = BackupCatalog.PickAtOrFail(newestFirst, at, destination);
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

        protected IEnvironment Environment => ProcessEnvironment.Instance;

        /// <summary>The destination as the user means it: s3:// URLs verbatim, folders made absolute.</summary>
        protected string ResolveDestination(string destination)
        {
            var resolved = BackupStores.ResolveDestination(destination, Environment);
            if (BackupStores.IsS3(resolved)) return Storage.S3.S3Destination.Parse(resolved).ToString();
            return resolved.Contains("://") ? resolved : ResolvePath(resolved);
        }

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
