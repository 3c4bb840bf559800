using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using BqBackup.Formatting;
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
            Verbose = message => WriteVerbose(UrlRedaction.RedactText(message)),
            Warning = message => WriteWarning(UrlRedaction.RedactText(message)),
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

        /// <summary>
        /// The record a user sees. Every text in it passes through URL redaction once more, so a
        /// URL with credentials or a signed query string that reached a message anyway is shown as ***.
        /// </summary>
        protected ErrorRecord ToErrorRecord(BqBackupException e)
        {
            if (!Enum.TryParse(e.Category.ToString(), out ErrorCategory category)) category = ErrorCategory.NotSpecified;
            var message = UrlRedaction.RedactText(e.Message);
            var target = e.TargetObject is string text ? UrlRedaction.RedactText(text) : e.TargetObject;
            var shown = message == e.Message && Equals(target, e.TargetObject)
                ? e
                : new BqBackupException(e.ErrorId, e.Category, message, target, e.RecommendedAction);
            return new ErrorRecord(shown, e.ErrorId, category, target)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = UrlRedaction.RedactText(e.RecommendedAction) },
            };
        }

        protected void Fail(BqBackupException e) => ThrowTerminatingError(ToErrorRecord(e));

        protected void Report(BqBackupException e) => WriteError(ToErrorRecord(e));

        /// <summary>A path as PowerShell understands it (relative to $PWD, ~, PSDrives) made absolute.</summary>
        /// A path PowerShell cannot read (a NUL in it, a drive that does not exist, a URL) is InvalidPath.
        protected string ResolvePath(string path)
        {
            try
            {
                var resolved = GetUnresolvedProviderPathFromPSPath(path);
                // PowerShell passes a NUL through; every file API after it would throw.
                if (resolved.IndexOf('\0') >= 0) throw new ArgumentException("it holds a NUL character");
                return resolved;
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is SessionStateException
                                      || e is PSInvalidOperationException || e is System.IO.IOException)
            {
                var shown = UrlRedaction.RedactText(path);
                throw new BqBackupException(ErrorIds.InvalidPath, BqErrorCategory.InvalidArgument,
                    $"'{shown}' is not a file-system path: {UrlRedaction.RedactText(e.Message)}", shown,
                    "Give a path on a file-system drive, e.g. /var/lib/bunqueue/queue.db or ./backups.");
            }
        }

        protected IEnvironment Environment => ProcessEnvironment.Instance;

        /// <summary>The destination as the user means it: s3:// URLs verbatim, folders made absolute.</summary>
        protected string ResolveDestination(string destination)
        {
            var resolved = BackupStores.ResolveDestination(destination, Environment);
            if (BackupStores.IsS3(resolved)) return Storage.S3.S3Destination.Parse(resolved).ToString();
            BackupStores.RefuseOtherSchemes(resolved);
            return ResolvePath(resolved);
        }

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
}
