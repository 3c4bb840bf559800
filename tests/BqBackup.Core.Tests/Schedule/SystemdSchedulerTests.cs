using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BqBackup.Schedule;
using Xunit;
using static BqBackup.Tests.Schedule.CommandLines;
using static BqBackup.Tests.Schedule.ScheduleSamples;

namespace BqBackup.Tests.Schedule
{
    public class SystemdSchedulerTests
    {
        // ---------------------------------------------------------------------------------------
        // The unit files
        // ---------------------------------------------------------------------------------------

        [Fact]
        public void ExecStart_reads_back_as_exactly_the_jobs_arguments()
        {
            var s = Settings();
            var parsed = ParseExecStart(ExecStartLine(SystemdScheduler.ServiceUnit(s)));
            Assert.Equal(ScheduleJob.Arguments(s, windows: false), parsed);
            Assert.Equal(Dotnet, parsed.Take(2));
            Assert.Equal(new[] { "-NoProfile", "-NonInteractive", "-Command" }, parsed.Skip(2).Take(3));
        }

        [Fact]
        public void ExecStart_quotes_paths_with_spaces_and_doubles_percent_and_dollar()
        {
            var program = ExecStartLine(SystemdScheduler.ServiceUnit(Settings(s => s.Executable = new[] { "/opt/$pwsh 100%/pwsh" })));
            Assert.StartsWith("\"/opt/$pwsh 100%%/pwsh\" -NoProfile ", program); // systemd takes the program's $ literally
            var line = ExecStartLine(SystemdScheduler.ServiceUnit(Settings()));
            Assert.StartsWith("/usr/share/dotnet/dotnet \"/opt/power shell 100%%/pwsh.dll\" -NoProfile -NonInteractive -Command \"", line);
            Assert.Contains("50%% full", line);
            Assert.Contains("$$ErrorActionPreference", line);
            Assert.Contains("it''s $$HOME", line); // PowerShell's '' inside systemd's "…"
            Assert.Contains("\\\"b\\\"", line);     // a " in a value, backslash-escaped for systemd
            // No lone % (a specifier) and no lone $ (a variable) anywhere.
            Assert.DoesNotMatch("(?<!%)%(?!%)", line.Replace("%%", ""));
            Assert.DoesNotContain("$", line.Replace("$$", ""));
        }

        [Fact]
        public void The_environment_file_is_EnvironmentFile_with_percent_doubled_and_User_is_set()
        {
            var service = SystemdScheduler.ServiceUnit(Settings(s => { s.EnvironmentFile = "/etc/bq backup/s3 100%.env"; s.User = "bunqueue"; }));
            Assert.Contains("\nEnvironmentFile=/etc/bq backup/s3 100%%.env\n", service);
            Assert.Contains("\nUser=bunqueue\n", service);
            Assert.Contains("\nType=oneshot\n", service);
        }

        [Theory]
        [InlineData("/opt/it's/pwsh")]
        [InlineData("/opt/a\"b/pwsh")]
        [InlineData("/opt/a\\b/pwsh")]
        public void A_program_path_systemd_cannot_run_is_InvalidScheduleSetting_but_fine_for_cron(string program)
        {
            var s = Settings(x => x.Name = "ok");
            s.Executable = new[] { program };
            var e = Assert.Throws<BqBackupException>(() => ScheduleValidation.Validate(s, new SystemdScheduler()));
            Assert.Equal(ErrorIds.InvalidScheduleSetting, e.ErrorId);
            Assert.Equal("Executable", e.TargetObject);
            ScheduleValidation.Validate(s, new CronScheduler());
        }

        // ---------------------------------------------------------------------------------------
        // Install and remove, with systemctl faked
        // ---------------------------------------------------------------------------------------

        private static (SystemdScheduler scheduler, FakeCommandRunner systemctl) Scheduler(TempDir dir, bool filesOnly = false)
        {
            var runner = new FakeCommandRunner();
            return (new SystemdScheduler(new SchedulerOptions { UnitDirectory = dir.File("units"), FilesOnly = filesOnly, Runner = runner }), runner);
        }

        private static OperationContext Recording(List<string> verbose) => new OperationContext { Verbose = verbose.Add };

        [Fact]
        public void The_plan_shows_both_files_whole_and_the_commands_and_changes_nothing()
        {
            using (var dir = new TempDir())
            {
                var (scheduler, systemctl) = Scheduler(dir);
                var s = Settings(x => x.Name = "bqplan");
                var plan = scheduler.PlanInstall(s, replace: false);
                Assert.False(Directory.Exists(dir.File("units")));
                Assert.Empty(systemctl.Calls);
                var service = Path.Combine(dir.File("units"), "bqplan.service");
                Assert.StartsWith("Install the systemd timer 'bqplan' (every 6 h):", plan.Description);
                Assert.Contains($"--- {service} ---{Environment.NewLine}{SystemdScheduler.ServiceUnit(s)}", plan.Description);
                Assert.Contains(SystemdScheduler.TimerUnit(s), plan.Description);
                Assert.EndsWith("--- then: systemctl daemon-reload; systemctl enable --now bqplan.timer", plan.Description);
                Assert.Equal($"Install the systemd timer 'bqplan' in '{dir.File("units")}'?", plan.Question);
                Assert.Null(plan.Text);
            }
        }

        [Fact]
        public void Install_writes_both_units_0644_then_reloads_systemd_and_enables_the_timer()
        {
            using (var dir = new TempDir())
            {
                var (scheduler, systemctl) = Scheduler(dir);
                var s = Settings(x => x.Name = "bqinstall");
                string service = Path.Combine(dir.File("units"), "bqinstall.service"), timer = Path.Combine(dir.File("units"), "bqinstall.timer");
                systemctl.OnRun = (line, _) => Assert.True(File.Exists(service) && File.Exists(timer), $"'{line}' ran before the units were written");
                var verbose = new List<string>();
                var info = scheduler.Install(scheduler.PlanInstall(s, replace: false), Recording(verbose));

                Assert.Equal(new[] { "systemctl daemon-reload", "systemctl enable --now bqinstall.timer" }, systemctl.Calls);
                Assert.Equal(SystemdScheduler.ServiceUnit(s), File.ReadAllText(service));
                Assert.Equal(SystemdScheduler.TimerUnit(s), File.ReadAllText(timer));
                if (!OperatingSystem.IsWindows())
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(service));
                Assert.Equal(new[] { $"Wrote '{service}' and '{timer}'.", "Enabled and started bqinstall.timer." }, verbose);
                Assert.Equal(ScheduleKind.Systemd, info.Kind);
                Assert.Equal(new[] { service, timer }, info.Files);
                Assert.Equal("OnCalendar=*-*-* 00/6:00:00", info.Trigger);
                Assert.Equal(ScheduleJob.ShellCommand(s, sourceEnvironmentFile: false), info.Command);
                Assert.True(info.Enabled);
                Assert.Equal(service, scheduler.Find("bqinstall"));
            }
        }

        [Fact]
        public void An_installed_schedule_is_ScheduleExists_and_with_replace_the_running_timer_is_restarted()
        {
            using (var dir = new TempDir())
            {
                var (scheduler, systemctl) = Scheduler(dir);
                scheduler.Install(scheduler.PlanInstall(Settings(x => x.Name = "bqagain"), replace: false), OperationContext.None);
                systemctl.Calls.Clear();

                var e = Assert.Throws<BqBackupException>(() => scheduler.PlanInstall(Settings(x => x.Name = "bqagain"), replace: false));
                Assert.Equal(ErrorIds.ScheduleExists, e.ErrorId);
                Assert.Equal(BqErrorCategory.ResourceExists, e.Category);
                Assert.Equal(Path.Combine(dir.File("units"), "bqagain.service"), e.TargetObject);
                Assert.Empty(systemctl.Calls);

                var info = scheduler.Install(scheduler.PlanInstall(Settings(x => { x.Name = "bqagain"; x.Interval = TimeSpan.FromMinutes(30); }), replace: true), OperationContext.None);
                Assert.Equal(new[] { "systemctl daemon-reload", "systemctl enable --now bqagain.timer", "systemctl restart bqagain.timer" }, systemctl.Calls);
                Assert.Contains("\nOnCalendar=*-*-* *:00/30:00\n", File.ReadAllText(info.Files[1]));
            }
        }

        [Fact]
        public void Files_only_writes_the_units_and_runs_no_systemctl()
        {
            using (var dir = new TempDir())
            {
                var (scheduler, systemctl) = Scheduler(dir, filesOnly: true);
                var plan = scheduler.PlanInstall(Settings(x => x.Name = "bqfiles"), replace: false);
                Assert.EndsWith("--- and enable nothing (-NoEnable)", plan.Description);
                var info = scheduler.Install(plan, OperationContext.None);
                Assert.All(info.Files, f => Assert.True(File.Exists(f)));
                Assert.False(info.Enabled);
                Assert.Empty(systemctl.Calls);
            }
        }

        [Fact]
        public void A_failing_systemctl_is_ScheduleCommandFailed_and_leaves_the_units_written()
        {
            using (var dir = new TempDir())
            {
                var (scheduler, systemctl) = Scheduler(dir);
                systemctl.Fails = line => line.StartsWith("systemctl enable", StringComparison.Ordinal);
                var e = Assert.Throws<BqBackupException>(() => scheduler.Install(scheduler.PlanInstall(Settings(x => x.Name = "bqfail"), replace: false), OperationContext.None));
                Assert.Equal(ErrorIds.ScheduleCommandFailed, e.ErrorId);
                Assert.True(File.Exists(Path.Combine(dir.File("units"), "bqfail.timer")));
            }
        }

        [Fact]
        public void Remove_disables_the_timer_then_deletes_both_units_then_reloads()
        {
            using (var dir = new TempDir())
            {
                var (scheduler, systemctl) = Scheduler(dir);
                var installed = scheduler.Install(scheduler.PlanInstall(Settings(x => x.Name = "bqgone"), replace: false), OperationContext.None);
                scheduler.Install(scheduler.PlanInstall(Settings(x => x.Name = "bqstays"), replace: false), OperationContext.None);
                systemctl.Calls.Clear();
                var seen = new List<string>();
                systemctl.OnRun = (line, _) => seen.Add($"{line}: {installed.Files.Count(File.Exists)} files");

                var plan = scheduler.PlanRemove("bqgone");
                string service = installed.Files[0], timer = installed.Files[1];
                Assert.Equal($"systemctl disable --now bqgone.timer, delete '{timer}' and '{service}', systemctl daemon-reload", plan.Description);
                Assert.Equal("Remove the schedule 'bqgone'?", plan.Question);
                Assert.Empty(systemctl.Calls);
                var verbose = new List<string>();
                scheduler.Remove(plan, Recording(verbose));

                Assert.Equal(new[] { "systemctl disable --now bqgone.timer: 2 files", "systemctl daemon-reload: 0 files" }, seen);
                Assert.Equal(new[] { $"Deleted '{timer}' and '{service}'." }, verbose);
                Assert.Null(scheduler.Find("bqgone"));
                Assert.NotNull(scheduler.Find("bqstays"));
                var e = Assert.Throws<BqBackupException>(() => scheduler.PlanRemove("bqgone"));
                Assert.Equal(ErrorIds.ScheduleNotFound, e.ErrorId);
                Assert.Equal("bqgone", e.TargetObject);
            }
        }

        [Fact]
        public void Files_only_removal_deletes_the_units_and_runs_no_systemctl()
        {
            using (var dir = new TempDir())
            {
                var (scheduler, systemctl) = Scheduler(dir, filesOnly: true);
                var installed = scheduler.Install(scheduler.PlanInstall(Settings(x => x.Name = "bqquiet"), replace: false), OperationContext.None);
                var plan = scheduler.PlanRemove("bqquiet");
                Assert.EndsWith("(-NoDisable: no systemctl)", plan.Description);
                scheduler.Remove(plan, OperationContext.None);
                Assert.All(installed.Files, f => Assert.False(File.Exists(f)));
                Assert.Empty(systemctl.Calls);
            }
        }
    }
}
