using BqBackup.Retention;
using BqBackup.Schedule;
using Xunit;
using static BqBackup.Tests.Schedule.ScheduleSamples;

namespace BqBackup.Tests.Schedule
{
    public class ScheduleJobTests
    {
        [Fact]
        public void The_script_stops_on_error_imports_the_module_by_path_and_expires_only_after_a_backup()
        {
            var script = ScheduleJob.PowerShellScript(Settings(s => s.Retention = new RetentionPolicy { KeepDaily = 7, KeepWeekly = 4 }), windows: false);
            Assert.StartsWith("$ErrorActionPreference = 'Stop'; ", script);
            Assert.Contains("Import-Module '/opt/modules/Bq Backup/BqBackup.psd1'; New-BqBackup -Path '" + Database.Replace("'", "''") + "'", script);
            Assert.Contains("; if ($?) { Remove-BqBackupExpired -KeepDaily 7 -KeepWeekly 4 -Destination ", script);
            Assert.EndsWith(" }", script);
            // The typographic quotes PowerShell also ends strings on are doubled too.
            Assert.Contains("‘‘d’’", script);
        }

        [Fact]
        public void No_retention_given_leaves_Remove_BqBackupExpired_to_its_default()
        {
            var script = ScheduleJob.PowerShellScript(Settings(), windows: false);
            Assert.Contains("if ($?) { Remove-BqBackupExpired -Destination '", script);
            Assert.DoesNotContain("-RetentionDays", script);
            Assert.DoesNotContain("-Keep", script);
        }

        [Fact]
        public void Store_settings_go_to_both_commands()
        {
            var script = ScheduleJob.PowerShellScript(Settings(s =>
            {
                s.Destination = "s3://bucket/prefix/";
                s.EndpointUrl = "http://minio.local:9000";
                s.Region = "eu-west-1";
                s.ProfileName = "backup";
            }), windows: false);
            const string store = " -Destination 's3://bucket/prefix/' -EndpointUrl 'http://minio.local:9000' -Region 'eu-west-1' -ProfileName 'backup'";
            Assert.Contains("New-BqBackup -Path '" + Database.Replace("'", "''") + "'" + store + ";", script);
            Assert.Contains("Remove-BqBackupExpired" + store + " }", script);
        }

        [Fact]
        public void With_an_environment_file_Path_and_Destination_may_come_from_it()
        {
            var s = Settings(x => { x.DatabasePath = null; x.Destination = null; x.EnvironmentFile = "/etc/bqbackup.env"; });
            var script = ScheduleJob.PowerShellScript(s, windows: false);
            Assert.Contains("New-BqBackup; if ($?) { Remove-BqBackupExpired }", script);
        }

        [Fact]
        public void The_shell_command_sources_the_environment_file_only_when_asked()
        {
            var s = Settings(x => x.EnvironmentFile = "/etc/bq.env");
            Assert.StartsWith("set -a; . /etc/bq.env; set +a; /usr/share/dotnet/dotnet ", ScheduleJob.ShellCommand(s, sourceEnvironmentFile: true));
            Assert.StartsWith("/usr/share/dotnet/dotnet '/opt/power shell 100%/pwsh.dll' -NoProfile ", ScheduleJob.ShellCommand(s, sourceEnvironmentFile: false));
        }

        [Theory]
        [InlineData("/usr/share/dotnet/dotnet", "/home/u/.nuget/packages/powershell/7.6/tools/net10.0/any/unix", false, "/usr/share/dotnet/dotnet|/home/u/.nuget/packages/powershell/7.6/tools/net10.0/any/unix/pwsh.dll")]
        [InlineData("/opt/microsoft/powershell/7/pwsh", "/opt/microsoft/powershell/7", false, "/opt/microsoft/powershell/7/pwsh")]
        [InlineData(@"C:\Program Files\dotnet\dotnet.exe", @"C:\tools\pwsh", true, @"C:\Program Files\dotnet\dotnet.exe|C:\tools\pwsh\pwsh.dll")]
        [InlineData(@"C:\Program Files\PowerShell\7\pwsh.exe", @"C:\Program Files\PowerShell\7", true, @"C:\Program Files\PowerShell\7\pwsh.exe")]
        [InlineData(@"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", @"C:\Windows\System32\WindowsPowerShell\v1.0", true, @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe")]
        [InlineData("/usr/bin/some-host", "/opt/microsoft/powershell/7", false, "/opt/microsoft/powershell/7/pwsh")]
        public void The_job_runs_the_pwsh_that_is_running_now(string processPath, string psHome, bool windows, string expected)
        {
            Assert.Equal(expected.Split('|'), ScheduleJob.PwshExecutable(processPath, psHome, windows));
        }
    }
}
