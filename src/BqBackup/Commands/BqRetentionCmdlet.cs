using System.Management.Automation;

namespace BqBackup.Commands
{
    /// <summary>
    /// The retention rules, declared once for the preview (Get-BqBackupRetention) and the expiry
    /// (Remove-BqBackupExpired), so that the two can never read a rule differently.
    /// </summary>
    public abstract class BqRetentionCmdlet : BqStoreCmdlet
    {
        /// <summary>Keep backups taken within this many days; defaults to S3_BACKUP_RETENTION, else 7.</summary>
        [Parameter]
        public int RetentionDays { get; set; }

        /// <summary>Keep the newest n backups.</summary>
        [Parameter]
        public int KeepLast { get; set; }

        /// <summary>Keep the newest backup of each of the last n hours (UTC) that have one.</summary>
        [Parameter]
        public int KeepHourly { get; set; }

        [Parameter]
        public int KeepDaily { get; set; }

        /// <summary>ISO weeks, Monday to Sunday, UTC.</summary>
        [Parameter]
        public int KeepWeekly { get; set; }

        [Parameter]
        public int KeepMonthly { get; set; }

        [Parameter]
        public int KeepYearly { get; set; }

        [Parameter]
        public SwitchParameter IncludeBunqueueBackups { get; set; }
    }
}
