using System;
using System.IO;
using System.Linq;
using BqBackup.Codec.Age;
using BqBackup.Schedule;
using Xunit;
using static BqBackup.Tests.Schedule.CommandLines;
using static BqBackup.Tests.Schedule.ScheduleSamples;

namespace BqBackup.Tests.Schedule
{
    /// <summary>
    /// A schedule carries age recipients into the job (public keys, and files of them the job
    /// reads), to New-BqBackup only; an identity is never accepted, and never repeated.
    /// </summary>
    public class ScheduleEncryptionTests
    {
        private static readonly string KeyA = NewRecipient();
        private static readonly string KeyB = NewRecipient();

        private static string NewRecipient()
        {
            using (var id = AgeX25519Identity.Generate()) return id.Recipient.ToString();
        }

        private static string NewSecret()
        {
            using (var id = AgeX25519Identity.Generate()) return id.ExportSecretKey();
        }

        [Fact]
        public void Recipients_files_and_MinimalMetadata_go_to_New_BqBackup_only()
        {
            using (var dir = new TempDir())
            {
                var file = dir.File("recipients it's.txt");
                File.WriteAllText(file, "# ops\n" + KeyB + "\n");
                var script = ScheduleJob.PowerShellScript(Settings(s =>
                {
                    s.Recipients = new[] { KeyA, KeyB };
                    s.RecipientFiles = new[] { file };
                    s.MinimalMetadata = true;
                }), windows: false);
                var newBackup = script.Substring(script.IndexOf("New-BqBackup", StringComparison.Ordinal));
                newBackup = newBackup.Substring(0, newBackup.IndexOf("; if ($?)", StringComparison.Ordinal));
                Assert.EndsWith($" -Recipient '{KeyA}','{KeyB}' -RecipientFile '{file.Replace("'", "''")}' -MinimalMetadata", newBackup);
                var expire = script.Substring(script.IndexOf("Remove-BqBackupExpired", StringComparison.Ordinal));
                Assert.DoesNotContain("-Recipient", expire);
                Assert.DoesNotContain("-MinimalMetadata", expire);
            }
        }

        [Fact]
        public void Without_recipients_the_job_is_as_before()
        {
            var script = ScheduleJob.PowerShellScript(Settings(), windows: false);
            Assert.DoesNotContain("-Recipient", script);
            Assert.DoesNotContain("-MinimalMetadata", script);
        }

        [Fact]
        public void Every_scheduler_carries_the_recipients_and_says_so_in_its_result()
        {
            var systemd = Settings(s => s.Recipients = new[] { KeyA });
            var parsed = ParseExecStart(ExecStartLine(SystemdScheduler.ServiceUnit(systemd)));
            Assert.Equal(ScheduleJob.Arguments(systemd, windows: false), parsed);
            Assert.Contains($"-Recipient '{KeyA}'", parsed.Last());

            using (var dir = new TempDir())
            {
                var plan = new SystemdScheduler(new SchedulerOptions { UnitDirectory = dir.File("units"), FilesOnly = true, Runner = new FakeCommandRunner() })
                    .PlanInstall(systemd, replace: false);
                Assert.Equal(new[] { KeyA }, plan.Result.Recipients);
                Assert.Empty(plan.Result.RecipientFile);
            }

            var cronSettings = Settings(s => s.Recipients = new[] { KeyA });
            var cron = new CronScheduler().PlanInstall(cronSettings, replace: false);
            if (File.Exists("/bin/sh"))
                Assert.Equal(ScheduleJob.Arguments(cronSettings, windows: false), ShWords(AsCronRunsIt(CronScheduler.Line(cronSettings).Split(new[] { ' ' }, 6)[5])));
            Assert.Contains(" -Recipient '\\''" + KeyA, cron.Text); // sh's '\'' inside its single quotes
            Assert.Equal(new[] { KeyA }, cron.Result.Recipients);

            var windows = WindowsSettings(s => s.Recipients = new[] { KeyA });
            Assert.Contains($"-Recipient '{KeyA}'", WindowsArgv(WindowsTaskScheduler.CommandLine(windows)).Last());
        }

        [Fact]
        public void An_identity_given_as_a_recipient_is_SecretOnCommandLine_for_every_scheduler_and_never_repeated()
        {
            var secret = NewSecret();
            foreach (var scheduler in new IScheduler[] { new SystemdScheduler(), new CronScheduler(), new WindowsTaskScheduler() })
            {
                var s = new ScheduleSettings
                {
                    DatabasePath = "/var/lib/bunqueue/queue.db", Destination = "/backups", ModulePath = "/m/BqBackup.psd1",
                    Executable = Dotnet, Recipients = new[] { KeyA, secret },
                };
                var e = Assert.Throws<BqBackupException>(() => ScheduleValidation.Validate(s, scheduler));
                Assert.Equal(ErrorIds.SecretOnCommandLine, e.ErrorId);
                Assert.Equal(BqErrorCategory.SecurityError, e.Category);
                Assert.Equal("Recipient", e.TargetObject);
                Assert.DoesNotContain(secret.Substring(15, 20), e.Message + e.RecommendedAction, StringComparison.OrdinalIgnoreCase);
                Assert.Contains("age-keygen -y", e.RecommendedAction);
            }
            // Lower case, with a line break: still a secret, and still not repeated.
            var lower = Assert.Throws<BqBackupException>(() => Settings(s => s.Recipients = new[] { " " + secret.ToLowerInvariant() + "\n" }));
            Assert.Equal(ErrorIds.SecretOnCommandLine, lower.ErrorId);
            Assert.DoesNotContain(secret.Substring(15, 20), lower.Message, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void A_recipient_that_is_not_an_age1_key_is_AgeRecipientInvalid()
        {
            var e = Assert.Throws<BqBackupException>(() => Settings(s => s.Recipients = new[] { "age1notakey" }));
            Assert.Equal(ErrorIds.AgeRecipientInvalid, e.ErrorId);
            e = Assert.Throws<BqBackupException>(() => Settings(s => s.Recipients = new[] { "ssh-ed25519 AAAAC3Nz" }));
            Assert.Equal(ErrorIds.AgeRecipientInvalid, e.ErrorId);
        }

        [Fact]
        public void A_recipients_file_must_be_absolute_exist_and_hold_public_keys_only()
        {
            using (var dir = new TempDir())
            {
                var e = Assert.Throws<BqBackupException>(() => Settings(s => s.RecipientFiles = new[] { "recipients.txt" }));
                Assert.Equal(ErrorIds.InvalidScheduleSetting, e.ErrorId);
                Assert.Equal("RecipientFile", e.TargetObject);

                e = Assert.Throws<BqBackupException>(() => Settings(s => s.RecipientFiles = new[] { dir.File("missing.txt") }));
                Assert.Equal(ErrorIds.AgeRecipientInvalid, e.ErrorId);

                var secret = NewSecret();
                var identity = dir.File("identity.txt");
                File.WriteAllText(identity, "# created: today\n# public key: " + KeyA + "\n" + secret + "\n");
                e = Assert.Throws<BqBackupException>(() => Settings(s => s.RecipientFiles = new[] { identity }));
                Assert.Equal(ErrorIds.AgeRecipientInvalid, e.ErrorId);
                Assert.Contains("secret key", e.Message);
                Assert.DoesNotContain(secret.Substring(15, 20), e.Message + e.TargetObject + e.RecommendedAction, StringComparison.OrdinalIgnoreCase);

                var good = dir.File("recipients.txt");
                File.WriteAllText(good, KeyA + "\n" + KeyB + "\n");
                Settings(s => s.RecipientFiles = new[] { good });
            }
        }

        [Fact]
        public void MinimalMetadata_needs_recipients_or_an_environment_file_that_can_name_them()
        {
            var e = Assert.Throws<BqBackupException>(() => Settings(s => s.MinimalMetadata = true));
            Assert.Equal(ErrorIds.AgeRecipientRequired, e.ErrorId);
            Settings(s => { s.MinimalMetadata = true; s.Recipients = new[] { KeyA }; });
            Settings(s => { s.MinimalMetadata = true; s.EnvironmentFile = "/etc/bqbackup.env"; });
        }
    }
}
