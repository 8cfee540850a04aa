/** The mocked world's facts the synthesis does not carry, for the constraints layer. */
import type { World } from "./constraint";

/**
 * Zones and routes of the subnets the specs and the mocks use: the mocked default VPC's default subnets (one per
 * zone, public: https://docs.aws.amazon.com/vpc/latest/userguide/default-subnet.html), the specs' public ALB
 * subnets `subnet-0a`/`subnet-0b` and private task subnets `subnet-0c`/`subnet-0d`.
 */
export const MOCK_WORLD: World = {
    subnetZones: {
        "subnet-0mock0000000000a": "us-east-1a",
        "subnet-0mock0000000000b": "us-east-1b",
        "subnet-0mock0000000000c": "us-east-1c",
        "subnet-0a": "us-east-1a",
        "subnet-0b": "us-east-1b",
        "subnet-0c": "us-east-1a",
        "subnet-0d": "us-east-1b",
    },
    publicSubnets: [
        "subnet-0mock0000000000a",
        "subnet-0mock0000000000b",
        "subnet-0mock0000000000c",
        "subnet-0a",
        "subnet-0b",
    ],
};
