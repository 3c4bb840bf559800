using System.Management.Automation;
using BqBackup.Protection;

namespace BqBackup.Commands
{
    /// <summary>
    /// How well a destination protects its backups from deletion: one ProtectionCheck per setting
    /// (versioning, Object Lock, default retention, the newest backup's lock, incomplete-upload
    /// cleanup, default encryption), each Pass or Warn with the reason. Changes nothing.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "BqBackupDestination", HelpUri = HelpLinks.TestBqBackupDestination)]
    [OutputType(typeof(ProtectionCheck))]
    public sealed class TestBqBackupDestinationCommand : BqStoreCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completion.DestinationCompleter))]
        public string Destination { get; set; }

        protected override void ProcessRecord()
        {
            // One destination: a failure to read it is reported for it, the next is still checked.
            var destination = DestinationFor(Destination);
            if (destination == null) return;
            try
            {
                using (var store = OpenStore(destination, createFolder: false))
                    WriteObject(Guard(() => DestinationPosture.Check(store, destination, Context())), enumerateCollection: true);
            }
            catch (BqBackupException e)
            {
                Report(e);
            }
        }
    }
}
