namespace BqBackup.Locking
{
    /// <summary>
    /// S3 Object Lock's two retention modes. Governance: nobody deletes or overwrites a locked version
    /// without the s3:BypassGovernanceRetention permission and the bypass header. Compliance: nobody
    /// at all, the account's root included, until the date has passed; the date can only be moved later.
    /// </summary>
    public enum ObjectLockMode
    {
        Governance,
        Compliance,
    }
}
