/* SPDX-License-Identifier: MIT */
/*
 * aclmem: umbrella ACL header.
 *
 * In CANN 1.17 acl/acl.h pulls in acl_rt.h, acl_op.h and acl_mdl.h.
 * aclmem provides only the runtime part; the operator and model APIs
 * are not implemented and have no header here.
 */
#ifndef INC_EXTERNAL_ACL_ACL_H_
#define INC_EXTERNAL_ACL_ACL_H_

#include "acl_base.h"
#include "acl_rt.h"

#endif /* INC_EXTERNAL_ACL_ACL_H_ */
