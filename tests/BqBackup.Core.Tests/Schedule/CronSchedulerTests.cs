using System;
using System.IO;
using System.Linq;
using BqBackup.Schedule;
using Xunit;
using static BqBackup.Tests.Schedule.CommandLines;
using static BqBackup.Tests.Schedule.ScheduleSamples;

namespace BqBackup.Tests.Schedule
{
    public class CronSchedulerTests
    {
        [Fact]
        public void The_crontab_line_is_one_line_that_sh_reads_back_as_the_jobs_arguments()
        {
            if (!File.Exists("/bin/sh")) return; // Windows: no sh to ask
            var s = Settings(x => x.Interval = TimeSpan.FromMinutes(15));
            var line = CronScheduler.Line(s);
            Assert.DoesNotContain("\n", line);
            var fields = line.Split(new[] { ' ' }, 6);
            Assert.Equal("*/15 * * * *", string.Join(" ", fields.Take(5)));
            var command = AsCronRunsIt(fields[5]);
            // cron cut nothing off (an unescaped % would end the command there) …
            Assert.EndsWith(" }'", command);
            // … and sh reads exactly the job's arguments, % and all.
            Assert.Equal(ScheduleJob.Arguments(s, windows: false), ShWords(command));
        }

        [Fact]
        public void The_crontab_line_sources_the_environment_file_with_set_a()
        {
            var s = Settings(x => x.EnvironmentFile = "/etc/bq backup/it's.env");
            var line = CronScheduler.Line(s);
            Assert.StartsWith("0 */6 * * * set -a; . '/etc/bq backup/it'\\''s.env'; set +a; /usr/share/dotnet/dotnet ", line);
        }

        [Fact]
        public void The_plan_is_the_line_to_install_by_hand_and_installing_it_changes_nothing()
        {
            var scheduler = new CronScheduler();
            var s = Settings(x => x.Interval = TimeSpan.FromHours(1));
            var plan = scheduler.PlanInstall(s, replace: false);
            Assert.Equal(CronScheduler.Line(s), plan.Text);
            Assert.Empty(plan.Steps);
            var info = scheduler.Install(plan, OperationContext.None);
            Assert.Equal(ScheduleKind.Cron, info.Kind);
            Assert.Equal("0 * * * *", info.Trigger);
            Assert.Empty(info.Files);
            Assert.Equal(ScheduleJob.ShellCommand(s, sourceEnvironmentFile: true), info.Command);
            Assert.False(info.Enabled);
            Assert.Null(scheduler.Find(s.Name));
            Assert.Equal(ErrorIds.ScheduleNotFound, Assert.Throws<BqBackupException>(() => scheduler.PlanRemove(s.Name)).ErrorId);
        }
    }
}
