using System;
using BqBackup.Schedule;

namespace BqBackup.Tests.Schedule
{
    /// <summary>Settings with every character the quoting must survive, validated as the cmdlet would.</summary>
    internal static class ScheduleSamples
    {
        // Spaces, %, $, quotes of both kinds, a backslash before a %: everything the quoting must survive.
        public const string Database = "/var/lib/bun queue/50% full/it's $HOME/queue.db";
        public const string Folder = "/backups/a \"b\" \\%c ‘d’ & <e>";
        public static readonly string[] Dotnet = { "/usr/share/dotnet/dotnet", "/opt/power shell 100%/pwsh.dll" };

        /// <summary>Unix settings, validated for systemd.</summary>
        public static ScheduleSettings Settings(Action<ScheduleSettings> change = null)
        {
            var s = new ScheduleSettings
            {
                DatabasePath = Database,
                Destination = Folder,
                ModulePath = "/opt/modules/Bq Backup/BqBackup.psd1",
                Executable = Dotnet,
            };
            change?.Invoke(s);
            ScheduleValidation.Validate(s, new SystemdScheduler());
            return s;
        }

        /// <summary>Windows settings, validated for Task Scheduler.</summary>
        public static ScheduleSettings WindowsSettings(Action<ScheduleSettings> change = null)
        {
            var s = new ScheduleSettings
            {
                DatabasePath = @"C:\ProgramData\bun queue\50% full\queue.db",
                Destination = @"D:\backups\a & <b> ""c"" \",
                ModulePath = @"C:\Program Files\PowerShell\Modules\BqBackup\0.1.0\BqBackup.psd1",
                Executable = new[] { @"C:\Program Files\PowerShell\7\pwsh.exe" },
                EnvironmentFile = @"C:\ProgramData\bqbackup\s3.env",
            };
            change?.Invoke(s);
            ScheduleValidation.Validate(s, new WindowsTaskScheduler());
            return s;
        }
    }
}
