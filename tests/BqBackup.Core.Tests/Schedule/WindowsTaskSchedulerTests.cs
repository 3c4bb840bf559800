using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml.Linq;
using BqBackup.Schedule;
using Xunit;
using static BqBackup.Tests.Schedule.CommandLines;
using static BqBackup.Tests.Schedule.ScheduleSamples;

namespace BqBackup.Tests.Schedule
{
    public class WindowsTaskSchedulerTests
    {
        private static readonly XNamespace Task = "http://schemas.microsoft.com/windows/2004/02/mit/task";

        // ---------------------------------------------------------------------------------------
        // The task
        // ---------------------------------------------------------------------------------------

        [Fact]
        public void The_task_XML_is_well_formed_schema_1_2_repeating_every_PT6H()
        {
            var s = WindowsSettings();
            var xml = WindowsTaskScheduler.TaskXml(s, new DateTime(2026, 11, 25));
            Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-16\"?>", xml, StringComparison.OrdinalIgnoreCase);
            var doc = XDocument.Parse(xml);
            var task = doc.Root;
            Assert.Equal(Task + "Task", task.Name);
            Assert.Equal("1.2", task.Attribute("version").Value);
            Assert.Equal(new[] { "RegistrationInfo", "Triggers", "Principals", "Settings", "Actions" }, task.Elements().Select(e => e.Name.LocalName));
            var trigger = task.Element(Task + "Triggers").Element(Task + "TimeTrigger");
            // triggerBaseType is a sequence; RandomDelay comes after it (timeTriggerType extends it).
            Assert.Equal(new[] { "Enabled", "StartBoundary", "Repetition", "RandomDelay" }, trigger.Elements().Select(e => e.Name.LocalName));
            Assert.Equal("2026-11-25T00:00:00", trigger.Element(Task + "StartBoundary").Value);
            Assert.Equal("PT6H", trigger.Element(Task + "Repetition").Element(Task + "Interval").Value);
            Assert.Null(trigger.Element(Task + "Repetition").Element(Task + "Duration")); // repeats indefinitely
            Assert.Equal("PT5M", trigger.Element(Task + "RandomDelay").Value);
            var principal = task.Element(Task + "Principals").Element(Task + "Principal");
            Assert.Equal("S-1-5-18", principal.Element(Task + "UserId").Value);
            Assert.Equal(principal.Attribute("id").Value, task.Element(Task + "Actions").Attribute("Context").Value);
            Assert.Equal("IgnoreNew", task.Element(Task + "Settings").Element(Task + "MultipleInstancesPolicy").Value);
        }

        [Fact]
        public void The_task_runs_pwsh_with_arguments_that_read_back_as_the_script()
        {
            var s = WindowsSettings();
            var exec = XDocument.Parse(WindowsTaskScheduler.TaskXml(s, new DateTime(2026, 1, 1))).Descendants(Task + "Exec").Single();
            Assert.Equal(@"C:\Program Files\PowerShell\7\pwsh.exe", exec.Element(Task + "Command").Value);
            var arguments = exec.Element(Task + "Arguments").Value;
            Assert.Equal(WindowsTaskScheduler.Arguments(s), arguments);
            var argv = WindowsArgv(arguments);
            Assert.Equal(new[] { "-NoProfile", "-NonInteractive", "-Command" }, argv.Take(3));
            Assert.Equal(4, argv.Count);
            var script = argv[3];
            Assert.Equal(ScheduleJob.PowerShellScript(s, windows: true), script);
            // Task Scheduler expands %VARIABLES% in arguments: % is spelled [char]37 instead.
            Assert.DoesNotContain("%", arguments);
            Assert.Contains(@"New-BqBackup -Path ('C:\ProgramData\bun queue\50'+[char]37+' full\queue.db') -Destination 'D:\backups\a & <b> ""c"" \'", script);
            // No EnvironmentFile= on Windows: the script loads the file's KEY=value lines itself.
            Assert.StartsWith(@"$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'; foreach ($line in Get-Content -LiteralPath 'C:\ProgramData\bqbackup\s3.env')", script);
        }

        [Fact]
        public void A_task_for_a_user_runs_as_that_user_without_a_stored_password()
        {
            var xml = WindowsTaskScheduler.TaskXml(WindowsSettings(s => s.User = @"CONTOSO\bunqueue & co"), new DateTime(2026, 1, 1));
            var principal = XDocument.Parse(xml).Descendants(Task + "Principal").Single();
            Assert.Equal(@"CONTOSO\bunqueue & co", principal.Element(Task + "UserId").Value);
            Assert.Equal("S4U", principal.Element(Task + "LogonType").Value);
            Assert.Contains("CONTOSO\\bunqueue &amp; co", xml);
        }

        // ---------------------------------------------------------------------------------------
        // Register and delete, with schtasks.exe faked
        // ---------------------------------------------------------------------------------------

        private static readonly DateTime Today = new DateTime(2026, 3, 1);

        private static (WindowsTaskScheduler scheduler, FakeCommandRunner schtasks) Scheduler(TempDir dir, bool filesOnly = false, bool taskExists = false)
        {
            var runner = new FakeCommandRunner { Fails = line => line.StartsWith("schtasks.exe /Query", StringComparison.Ordinal) && !taskExists };
            return (new WindowsTaskScheduler(new SchedulerOptions { WorkingDirectory = dir.Path, FilesOnly = filesOnly, Runner = runner, Today = Today }), runner);
        }

        [Fact]
        public void Install_hands_the_UTF16_XML_to_schtasks_Create_and_deletes_it_afterwards()
        {
            using (var dir = new TempDir())
            {
                var (scheduler, schtasks) = Scheduler(dir);
                var s = WindowsSettings(x => x.Name = "bqtask");
                string handed = null;
                schtasks.OnRun = (line, args) =>
                {
                    if (!line.StartsWith("schtasks.exe /Create", StringComparison.Ordinal)) return;
                    var xmlPath = args[Array.IndexOf(args, "/XML") + 1];
                    Assert.Equal(Encoding.Unicode.GetPreamble(), File.ReadAllBytes(xmlPath).Take(2));
                    handed = xmlPath;
                    Assert.Equal(WindowsTaskScheduler.TaskXml(s, Today), File.ReadAllText(xmlPath, Encoding.Unicode));
                };
                var plan = scheduler.PlanInstall(s, replace: false);
                Assert.Equal(new[] { "schtasks.exe /Query /TN bqtask" }, schtasks.Calls);
                Assert.StartsWith("Register the Scheduled Task 'bqtask' (every 6 h) with schtasks.exe /Create /XML:" + Environment.NewLine + "<?xml", plan.Description);
                Assert.Equal("Register the Scheduled Task 'bqtask'?", plan.Question);

                var info = scheduler.Install(plan, OperationContext.None);
                Assert.NotNull(handed);
                Assert.Equal($"schtasks.exe /Create /TN bqtask /XML {handed}", schtasks.Calls.Last());
                Assert.False(File.Exists(handed));
                Assert.True(info.Enabled);
                Assert.Empty(info.Files);
                Assert.Equal("PT6H", info.Trigger);
                Assert.Equal(WindowsTaskScheduler.CommandLine(s), info.Command);
            }
        }

        [Fact]
        public void An_existing_task_is_ScheduleExists_and_with_replace_is_overwritten_with_F()
        {
            using (var dir = new TempDir())
            {
                var (scheduler, schtasks) = Scheduler(dir, taskExists: true);
                var e = Assert.Throws<BqBackupException>(() => scheduler.PlanInstall(WindowsSettings(x => x.Name = "bqtask"), replace: false));
                Assert.Equal(ErrorIds.ScheduleExists, e.ErrorId);
                Assert.Equal("bqtask", e.TargetObject);
                scheduler.Install(scheduler.PlanInstall(WindowsSettings(x => x.Name = "bqtask"), replace: true), OperationContext.None);
                Assert.EndsWith(" /F", schtasks.Calls.Last());
            }
        }

        [Fact]
        public void Files_only_writes_name_xml_into_the_folder_and_runs_no_schtasks()
        {
            using (var dir = new TempDir())
            {
                var (scheduler, schtasks) = Scheduler(dir, filesOnly: true);
                var s = WindowsSettings(x => x.Name = "bqxml");
                var xmlPath = Path.Combine(dir.Path, "bqxml.xml");
                var plan = scheduler.PlanInstall(s, replace: false);
                Assert.StartsWith($"Write the Scheduled Task XML '{xmlPath}' (every 6 h), registering nothing:", plan.Description);
                var info = scheduler.Install(plan, OperationContext.None);
                Assert.Equal(new[] { xmlPath }, info.Files);
                Assert.False(info.Enabled);
                Assert.Equal(WindowsTaskScheduler.TaskXml(s, Today), File.ReadAllText(xmlPath, Encoding.Unicode));
                Assert.Equal(ErrorIds.ScheduleExists, Assert.Throws<BqBackupException>(() => scheduler.PlanInstall(s, replace: false)).ErrorId);

                var removal = scheduler.PlanRemove("bqxml");
                Assert.Equal($"Delete '{xmlPath}'", removal.Description);
                scheduler.Remove(removal, OperationContext.None);
                Assert.False(File.Exists(xmlPath));
                Assert.Empty(schtasks.Calls);
                var e = Assert.Throws<BqBackupException>(() => scheduler.PlanRemove("bqxml"));
                Assert.Equal(ErrorIds.ScheduleNotFound, e.ErrorId);
                Assert.Contains("No task XML", e.Message);
            }
        }

        [Fact]
        public void Remove_deletes_the_task_with_schtasks_Delete_or_finds_none()
        {
            using (var dir = new TempDir())
            {
                var (scheduler, schtasks) = Scheduler(dir, taskExists: true);
                var plan = scheduler.PlanRemove("bqtask");
                Assert.Equal("schtasks.exe /Delete /TN bqtask /F", plan.Description);
                scheduler.Remove(plan, OperationContext.None);
                Assert.Equal(new[] { "schtasks.exe /Query /TN bqtask", "schtasks.exe /Delete /TN bqtask /F" }, schtasks.Calls);

                var (missing, _) = Scheduler(dir);
                var e = Assert.Throws<BqBackupException>(() => missing.PlanRemove("bqtask"));
                Assert.Equal(ErrorIds.ScheduleNotFound, e.ErrorId);
                Assert.Equal("No scheduled task named 'bqtask'.", e.Message);
            }
        }
    }
}
