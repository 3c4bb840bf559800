using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace BqBackup.IO
{
    /// <summary>
    /// Runs a backup's CPU-heavy work (compression blocks, the snapshot's integrity_check) on
    /// threads of their own at a lower priority (nice 10 on Linux, BelowNormal elsewhere), so that
    /// on a busy machine bunqueue's own threads win the CPU and its writers see little added
    /// latency; on an idle machine the backup still gets every core. The process's thread pool is
    /// left alone: a lowered priority cannot be raised back without privileges.
    /// </summary>
    internal sealed class BackgroundScheduler : TaskScheduler
    {
        /// <summary>The nice value the threads run at on Linux.</summary>
        public const int Nice = 10;

        // One more than the cores, as the integrity_check takes one while every core compresses.
        public static readonly BackgroundScheduler Shared = new BackgroundScheduler(Environment.ProcessorCount + 1);

        private readonly BlockingCollection<Task> queue = new BlockingCollection<Task>();
        private readonly int threads;

        private BackgroundScheduler(int threads)
        {
            this.threads = threads;
            for (var i = 0; i < threads; i++)
                new Thread(Work) { IsBackground = true, Name = "bqbackup-background" }.Start();
        }

        public override int MaximumConcurrencyLevel => threads;

        /// <summary>Starts <paramref name="work"/> on one of the low-priority threads.</summary>
        public static Task<T> Run<T>(Func<T> work) =>
            Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Shared);

        private void Work()
        {
            LowerCurrentThread();
            foreach (var task in queue.GetConsumingEnumerable()) TryExecuteTask(task);
        }

        /// <summary>Best effort: a platform that will not lower a thread just runs it as it is.</summary>
        internal static void LowerCurrentThread()
        {
            try { Thread.CurrentThread.Priority = ThreadPriority.BelowNormal; } catch (Exception e) when (e is PlatformNotSupportedException || e is ThreadStateException) { }
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            try
            {
                // On Linux a thread is scheduled as its own task: setpriority on its tid renices it alone.
                setpriority(0 /* PRIO_PROCESS */, gettid(), Nice);
            }
            catch (EntryPointNotFoundException) { }
            catch (DllNotFoundException) { }
        }

        protected override void QueueTask(Task task) => queue.Add(task);

        // Never inline: a task waited on from a normal-priority thread must still run low.
        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => queue.ToArray();

        [DllImport("libc", SetLastError = true)]
        private static extern int setpriority(int which, int who, int prio);

        [DllImport("libc")]
        private static extern int gettid();
    }
}
