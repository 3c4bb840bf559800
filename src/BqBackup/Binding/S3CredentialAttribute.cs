using System;
using System.Management.Automation;
using BqBackup.Storage.S3;

namespace BqBackup.Binding
{
    /// <summary>
    /// -Credential as PowerShell users and AWS.Tools users pass it: a PSCredential (user name = access
    /// key, password = secret), or an Amazon.Runtime.AWSCredentials (Get-AWSCredential, New-AWSCredential),
    /// from any copy of the AWS SDK. A plain string is a user name to prompt for, as [Credential] does.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class S3CredentialAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            switch (value)
            {
                case null:
                case PSCredential _:
                    return value;
                case string _:
                    return new CredentialAttribute().Transform(engineIntrinsics, value);
            }
            if (AwsCredentialObjects.IsAwsCredentials(value)) return value;
            throw new ArgumentTransformationMetadataException(
                $"-Credential takes a PSCredential (user name = access key, password = secret) or an Amazon.Runtime.AWSCredentials, not a {value.GetType().FullName}.");
        }
    }
}
