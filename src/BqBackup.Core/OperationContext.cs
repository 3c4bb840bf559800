using System;
using System.Threading;

namespace BqBackup
{
    /// <summary>One step of long work, in bytes where bytes make sense.</summary>
    public sealed class BqProgress
    {
        public BqProgress(string activity, string status, long completed, long total)
        {
            Activity = activity;
            Status = status;
            Completed = completed;
            Total = total;
        }

        public string Activity { get; }
        public string Status { get; }
        public long Completed { get; }
        /// <summary>-1 when unknown.</summary>
        public long Total { get; }
        public bool IsComplete { get; set; }
    }

    /// <summary>
    /// What a cmdlet lends the engine for one operation: cancellation (Ctrl-C) and the streams to
    /// report on. The callbacks are invoked on the caller's thread, which PowerShell requires for
    /// Write-Progress and Write-Verbose.
    /// </summary>
    public sealed class OperationContext
    {
        public static readonly OperationContext None = new OperationContext();

        public CancellationToken Cancellation { get; set; }
        public Action<BqProgress> Progress { get; set; }
        public Action<string> Verbose { get; set; }
        public Action<string> Warning { get; set; }

        internal void ReportProgress(string activity, string status, long completed, long total)
            => Progress?.Invoke(new BqProgress(activity, status, completed, total));

        internal void CompleteProgress(string activity)
            => Progress?.Invoke(new BqProgress(activity, "Done", 0, 0) { IsComplete = true });

        internal void WriteVerbose(string message) => Verbose?.Invoke(message);
        internal void WriteWarning(string message) => Warning?.Invoke(message);
        internal void ThrowIfCancelled() => Cancellation.ThrowIfCancellationRequested();
    }
}
