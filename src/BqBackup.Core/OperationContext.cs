using System;
using System.Threading;

namespace BqBackup
{
    /// <summary>
    /// What a cmdlet lends the engine for one operation: cancellation (Ctrl-C), the streams to
    /// report on, and the clock. The callbacks are invoked on the caller's thread, which PowerShell requires for
    /// Write-Progress and Write-Verbose.
    /// </summary>
    public sealed class OperationContext
    {
        /// <summary>No cancellation and nowhere to report: safe to share because nothing in it can change.</summary>
        public static OperationContext None { get; } = new OperationContext();

        public CancellationToken Cancellation { get; init; }
        public Action<BqProgress> Progress { get; init; }
        public Action<string> Verbose { get; init; }
        public Action<string> Warning { get; init; }
        /// <summary>
        /// Where "now" comes from for everything the engine judges by time (backup names, clock
        /// skew, retention, health); null is the system clock. Tests set a fixed clock.
        /// </summary>
        public Func<DateTime> Clock { get; init; }

        /// <summary>Now, in UTC, by <see cref="Clock"/>.</summary>
        public DateTime UtcNow() => Clock == null ? DateTime.UtcNow : Clock().ToUniversalTime();

        internal void ReportProgress(string activity, string status, long completed, long total)
            => Progress?.Invoke(new BqProgress(activity, status, completed, total));

        internal void CompleteProgress(string activity)
            => Progress?.Invoke(new BqProgress(activity, "Done", 0, 0) { IsComplete = true });

        internal void WriteVerbose(string message) => Verbose?.Invoke(message);
        internal void WriteWarning(string message) => Warning?.Invoke(message);
        internal void ThrowIfCancelled() => Cancellation.ThrowIfCancellationRequested();
    }
}
