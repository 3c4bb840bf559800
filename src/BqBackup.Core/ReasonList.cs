namespace BqBackup
{
    /// <summary>
    /// The reasons behind a verdict (Get-BqBackupStatus, Test-BqBackup): a list for scripts, a
    /// JSON array in ConvertTo-Json, and one readable line ("a; b") wherever it becomes a string,
    /// as in Export-Csv.
    /// </summary>
    public sealed class ReasonList : ReadableList<string>
    {
    }
}
