using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using BqBackup.Schedule;
using Xunit;
using static BqBackup.Tests.Schedule.ScheduleSamples;

namespace BqBackup.Tests.Schedule
{
    public class SchedulersTests
    {
        [Theory]
        [InlineData(ScheduleKind.Systemd, typeof(SystemdScheduler))]
        [InlineData(ScheduleKind.Cron, typeof(CronScheduler))]
        [InlineData(ScheduleKind.WindowsTask, typeof(WindowsTaskScheduler))]
        public void Each_kind_has_its_scheduler(ScheduleKind kind, Type type)
        {
            var scheduler = Schedulers.For(kind, new SchedulerOptions());
            Assert.IsType(type, scheduler);
            Assert.Equal(kind, scheduler.Kind);
        }

        [Fact]
        public void This_machine_gets_its_own_scheduler_and_cron_where_there_is_cron()
        {
            var windows = OperatingSystem.IsWindows();
            Assert.Equal(windows ? ScheduleKind.WindowsTask : ScheduleKind.Systemd, Schedulers.ForThisMachine(false, new SchedulerOptions()).Kind);
            if (windows)
                Assert.Equal(ErrorIds.InvalidScheduleSetting, Assert.Throws<BqBackupException>(() => Schedulers.ForThisMachine(true, new SchedulerOptions())).ErrorId);
            else
                Assert.Equal(ScheduleKind.Cron, Schedulers.ForThisMachine(true, new SchedulerOptions()).Kind);
        }

        [Fact]
        public void Secrets_in_an_S3_environment_file_never_reach_any_generated_text()
        {
            var secrets = new Dictionary<string, string>
            {
                ["S3_ACCESS_KEY_ID"] = "AKIAEXAMPLEACCESSKEY1",
                ["S3_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1",
                ["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLEACCESSKEY2",
                ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY2",
                ["AWS_SESSION_TOKEN"] = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN",
            };
            using (var dir = new TempDir())
            {
                var envFile = dir.File("s3 settings.env");
                File.WriteAllLines(envFile, secrets.Select(kv => $"{kv.Key}={kv.Value}")
                    .Concat(new[] { "S3_BUCKET=bucket", "S3_ENDPOINT=http://minio.local:9000" }));
                var s = Settings(x => { x.EnvironmentFile = envFile; x.Destination = "s3://bucket/backups/"; x.EndpointUrl = "http://minio.local:9000"; });
                var options = new SchedulerOptions { UnitDirectory = dir.File("units"), Runner = new FakeCommandRunner() };
                var texts = new Dictionary<string, string>
                {
                    ["service"] = SystemdScheduler.ServiceUnit(s),
                    ["timer"] = SystemdScheduler.TimerUnit(s),
                    ["cron"] = CronScheduler.Line(s),
                    ["windows"] = WindowsTaskScheduler.TaskXml(s, new DateTime(2026, 1, 1)),
                };
                foreach (var kind in new[] { ScheduleKind.Systemd, ScheduleKind.Cron, ScheduleKind.WindowsTask })
                {
                    var plan = Schedulers.For(kind, options).PlanInstall(s, replace: true);
                    texts[kind + " plan"] = plan.Description + "\n" + plan.Text + "\n" + plan.Result.Command;
                }
                foreach (var text in texts)
                {
                    foreach (var secret in secrets.Values)
                        Assert.False(text.Value.Contains(secret), $"the {text.Key} text contains a secret");
                    Assert.DoesNotContain("SECRET_ACCESS_KEY", text.Value);
                }
                Assert.Contains("EnvironmentFile=" + envFile + "\n", texts["service"]);
                Assert.Contains("set -a; . '" + envFile + "'; set +a; ", texts["cron"]);
                Assert.Contains(envFile, XDocument.Parse(texts["windows"]).Descendants().Single(e => e.Name.LocalName == "Arguments").Value);
            }
        }
    }
}
