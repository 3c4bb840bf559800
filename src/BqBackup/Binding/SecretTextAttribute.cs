using System;
using System.Management.Automation;

namespace BqBackup.Binding
{
    /// <summary>
    /// Lets a string parameter that holds a secret (-SecretKey, -SessionToken) take a SecureString
    /// as well, as AWS.Tools users pass a string and PowerShell users a SecureString: a SecureString
    /// is read out here, before PowerShell would turn it into the text "System.Security.SecureString".
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SecretTextAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            try
            {
                return S3OptionsBuilder.SecretText(inputData);
            }
            catch (PSArgumentException e)
            {
                throw new ArgumentTransformationMetadataException(e.Message, e);
            }
        }
    }
}
