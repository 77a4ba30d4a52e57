// Turning a job into the body of PUT /api/v1/jobs/:id, for edits and status changes that keep
// everything else as it is.
import type { Job, JobInput, JobStatus } from '@/api/types'

export function jobToInput(j: Job, status: JobStatus = j.status): JobInput {
  return {
    fairId: j.fairId,
    zoneId: j.zoneId,
    enterpriseId: j.enterpriseId,
    title: j.title,
    titleEn: j.titleEn,
    cityZh: j.cityZh,
    cityEn: j.cityEn,
    category: j.category,
    majors: j.majors ?? [],
    degree: j.degree,
    salaryMin: j.salaryMin,
    salaryMax: j.salaryMax,
    headcount: j.headcount,
    deadline: j.deadline,
    description: j.description,
    languages: j.languages,
    status,
  }
}
