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
        public bool IsComplete { get; init; }
    }
}
