using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using BqBackup.IO;
using Xunit;

namespace BqBackup.Tests.IO
{
    public class BackgroundSchedulerTests
    {
        // Field 19 of /proc/thread-self/stat (after the command name in parentheses) is the thread's nice value.
        private static int CurrentThreadNice()
        {
            var stat = File.ReadAllText("/proc/thread-self/stat");
            var fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
            return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
        }

        [Fact]
        public void Work_runs_on_its_own_threads_at_nice_10_on_Linux_and_the_caller_keeps_its_priority()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            var callerNice = CurrentThreadNice();
            var callerThread = Thread.CurrentThread.ManagedThreadId;
            var seen = Enumerable.Range(0, 8)
                .Select(_ => BackgroundScheduler.Run(() => (nice: CurrentThreadNice(), thread: Thread.CurrentThread.ManagedThreadId, pool: Thread.CurrentThread.IsThreadPoolThread)))
                .ToList()
                .Select(t => t.GetAwaiter().GetResult())
                .ToList();
            Assert.All(seen, s => Assert.Equal(Math.Max(callerNice, BackgroundScheduler.Nice), s.nice));
            Assert.All(seen, s => Assert.NotEqual(callerThread, s.thread));
            Assert.All(seen, s => Assert.False(s.pool, "a thread-pool thread was reniced"));
            Assert.Equal(callerNice, CurrentThreadNice());
        }

        [Fact]
        public void Runs_as_many_tasks_at_once_as_there_are_cores_and_one_more()
        {
            var running = 0;
            var peak = 0;
            var gate = new ManualResetEventSlim();
            var tasks = Enumerable.Range(0, Environment.ProcessorCount + 1).Select(_ => BackgroundScheduler.Run(() =>
            {
                var now = Interlocked.Increment(ref running);
                int old;
                while ((old = Volatile.Read(ref peak)) < now && Interlocked.CompareExchange(ref peak, now, old) != old) { }
                gate.Wait(TimeSpan.FromSeconds(30));
                Interlocked.Decrement(ref running);
                return 0;
            })).ToList();
            SpinWait.SpinUntil(() => Volatile.Read(ref peak) == Environment.ProcessorCount + 1, TimeSpan.FromSeconds(30));
            gate.Set();
            foreach (var t in tasks) t.GetAwaiter().GetResult();
            Assert.Equal(Environment.ProcessorCount + 1, peak);
        }

        [Fact]
        public void An_exception_reaches_the_waiter()
        {
            var task = BackgroundScheduler.Run<int>(() => throw new InvalidOperationException("boom"));
            Assert.Equal("boom", Assert.Throws<InvalidOperationException>(() => task.GetAwaiter().GetResult()).Message);
        }
    }
}
